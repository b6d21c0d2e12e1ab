package io.memfleet.controller.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.KernelEvent;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.OomKill;
import io.memfleet.proto.v1.SeriesPoint;
import io.memfleet.proto.v1.SlabCacheSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FleetSeriesTest {
    private static final long S = 1_000_000_000L;

    private static NodeTelemetry sample(int node, long seq, long time, long usage) {
        return NodeTelemetry.newBuilder().setNodeId("e/" + node).setSeq(seq).setSimTimeNs(time)
                .addCgroups(CgroupSample.newBuilder().setPath("/web").setUsageInBytes(usage).setKmemUsageInBytes(usage / 2))
                .build();
    }

    @Test
    void aTimesPointHoldsTheStatsOverEveryNodeOnceAllHaveReportedIt() {
        FleetSeries s = new FleetSeries(3);
        s.add(0, sample(0, 0, S, 100));
        s.add(1, sample(1, 0, S, 300));
        assertTrue(s.points().isEmpty(), "node 2 has not reported 1 s yet");
        s.add(2, sample(2, 0, S, 200));
        List<SeriesPoint> p = s.points();
        assertEquals(1, p.size());
        assertEquals(3, p.get(0).getNodes());
        assertEquals(100, p.get(0).getUsageInBytes().getMin());
        assertEquals(200, p.get(0).getUsageInBytes().getP50());
        assertEquals(300, p.get(0).getUsageInBytes().getMax());
        assertEquals(600, p.get(0).getUsageInBytes().getSum());
        assertEquals(300, p.get(0).getKmemUsageInBytes().getSum());
    }

    @Test
    void thePointsDoNotDependOnTheOrderInWhichNodesReport() {
        List<NodeTelemetry> samples = new ArrayList<>();
        for (int node = 0; node < 5; node++) {
            for (int t = 1; t <= 4; t++) {
                NodeTelemetry.Builder b = sample(node, t, t * S, node * 1000L + t).toBuilder();
                if (node == 3 && t == 2) {
                    b.addEvents(KernelEvent.newBuilder().setOomKill(OomKill.newBuilder().setMemcgPath("/web")));
                    b.addCaches(SlabCacheSample.newBuilder().setName("dentry(2:web)").setMemcgPath("/web"));
                }
                samples.add(b.build());
            }
        }
        FleetSeries inOrder = new FleetSeries(5);
        samples.forEach(t -> inOrder.add(Integer.parseInt(t.getNodeId().substring(2)), t));
        for (int seed = 1; seed <= 20; seed++) {
            // nodes interleave at random; each node's own samples keep their order, as on a partition
            List<List<NodeTelemetry>> queues = new ArrayList<>();
            for (int node = 0; node < 5; node++) {
                queues.add(new ArrayList<>(samples.subList(node * 4, node * 4 + 4)));
            }
            Random r = new Random(seed);
            FleetSeries other = new FleetSeries(5);
            while (queues.stream().anyMatch(q -> !q.isEmpty())) {
                List<NodeTelemetry> q = queues.get(r.nextInt(5));
                if (!q.isEmpty()) {
                    NodeTelemetry t = q.remove(0);
                    other.add(Integer.parseInt(t.getNodeId().substring(2)), t);
                }
            }
            assertEquals(inOrder.finish(), other.finish(), "seed " + seed);
        }
        List<SeriesPoint> cgroupPoints = inOrder.finish().stream().filter(p -> p.getSlab().isEmpty()).toList();
        SeriesPoint at2 = cgroupPoints.get(1);
        assertEquals(2 * S, at2.getSimTimeNs());
        assertEquals(1, at2.getOomKills());
        assertEquals(1, at2.getLiveCaches());
        List<SeriesPoint> slabPoints = inOrder.finish().stream().filter(p -> !p.getSlab().isEmpty()).toList();
        assertTrue(!slabPoints.isEmpty(), "a point per root slab cache and time");
        assertTrue(slabPoints.stream().allMatch(p -> p.getCgroup().isEmpty() && p.getSlabCaches() >= p.getDeadCaches()));
    }

    @Test
    void aNodesSecondSampleAtOneTimeReplacesItsValuesAndAddsItsEvents() {
        FleetSeries s = new FleetSeries(2);
        s.add(0, sample(0, 0, S, 100));
        s.add(0, sample(0, 1, S, 150).toBuilder()
                .addEvents(KernelEvent.newBuilder().setOomKill(OomKill.newBuilder().setMemcgPath("/web"))).build());
        s.add(1, sample(1, 0, S, 50));
        SeriesPoint p = s.points().get(0);
        assertEquals(2, p.getNodes());
        assertEquals(200, p.getUsageInBytes().getSum());
        assertEquals(1, p.getOomKills());
    }

    @Test
    void finishMakesThePointsOfTimesSomeNodesNeverReported() {
        FleetSeries s = new FleetSeries(2);
        s.add(0, sample(0, 0, S, 100));
        s.add(0, sample(0, 1, 2 * S, 100));
        s.add(1, sample(1, 0, S, 100));
        assertEquals(1, s.points().size());
        List<SeriesPoint> all = s.finish();
        assertEquals(List.of(S, 2 * S), all.stream().map(SeriesPoint::getSimTimeNs).toList());
        assertEquals(1, all.get(1).getNodes());
    }

    @Test
    void aSampleForATimeWhosePointIsMadeIsDropped() {
        FleetSeries s = new FleetSeries(1);
        s.add(0, sample(0, 0, S, 100));
        s.add(0, sample(0, 1, S, 999));
        assertEquals(100, s.finish().get(0).getUsageInBytes().getSum());
    }
}
