package io.memfleet.controller.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.DyingGroups;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.SeriesPoint;
import io.memfleet.proto.v1.SlabCacheSample;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dead-cache aggregates count as the caches they stand for; dying groups and node totals reach the points. */
class FleetSeriesDyingTest {
    private static final long S = 1_000_000_000L;

    /** A node with {@code dead} dead dentry caches under /jobs (one aggregate) and {@code dying} dying groups there. */
    private static NodeTelemetry sample(int node, long time, int dead, int dying, int cssIds, long enospc) {
        NodeTelemetry.Builder b = NodeTelemetry.newBuilder().setNodeId("e/" + node).setSimTimeNs(time)
                .addCgroups(CgroupSample.newBuilder().setPath("/"))
                .addCgroups(CgroupSample.newBuilder().setPath("/jobs"))
                .addCaches(SlabCacheSample.newBuilder().setName("dentry(2:jobs)").setMemcgPath("/jobs").setNumSlabs(1)
                        .setPagesperslab(1))
                .setDyingMemcgs(dying).setCssIdsInUse(cssIds).setPinnedKmemBytes(4096L * dead).setMkdirEnospc(enospc);
        if (dead > 0) {
            b.addCaches(SlabCacheSample.newBuilder().setName("dentry").setMemcgPath("/jobs").setDead(true)
                    .setDeadCaches(dead).setActiveObjs(10L * dead).setNumSlabs(dead).setPagesperslab(1));
        }
        if (dying > 0) {
            b.addDying(DyingGroups.newBuilder().setParentPath("/jobs").setCount(dying).setKmemBytes(4096L * dying));
        }
        return b.build();
    }

    private static SeriesPoint point(List<SeriesPoint> points, long time, String cgroup) {
        return points.stream().filter(p -> p.getSimTimeNs() == time && p.getCgroup().equals(cgroup)
                && p.getSlab().isEmpty()).findFirst().orElseThrow();
    }

    @Test
    void anAggregateCountsTheDeadCachesItStandsFor() {
        FleetSeries s = new FleetSeries(2);
        s.add(0, sample(0, S, 40, 0, 3, 0));
        s.add(1, sample(1, S, 2, 0, 3, 0));
        List<SeriesPoint> p = s.finish();
        assertEquals(42, point(p, S, "/jobs").getDeadCaches(), "the dead caches under /jobs, not the aggregates");
        assertEquals(2, point(p, S, "/jobs").getLiveCaches());
        SeriesPoint slab = p.stream().filter(x -> x.getSlab().equals("dentry")).findFirst().orElseThrow();
        assertEquals(44, slab.getSlabCaches());
        assertEquals(42, slab.getDeadCaches());
        assertEquals(420, slab.getSlabActiveObjs());
        assertEquals(44 * 4096L, slab.getSlabPageBytes());
    }

    @Test
    void aSingleDeadCacheOfAnOlderAgentStillCountsTowardItsParent() {
        FleetSeries s = new FleetSeries(1);
        s.add(0, NodeTelemetry.newBuilder().setSimTimeNs(S).addCgroups(CgroupSample.newBuilder().setPath("/jobs"))
                .addCaches(SlabCacheSample.newBuilder().setName("dentry(7:j1)dead").setMemcgPath("/jobs/j1").setDead(true))
                .build());
        assertEquals(1, point(s.finish(), S, "/jobs").getDeadCaches());
    }

    @Test
    void dyingGroupsAreStatsOverTheNodesOfTheirFormerParentAndTheRootCarriesNodeTotals() {
        FleetSeries s = new FleetSeries(3);
        for (int node = 0; node < 3; node++) {
            s.add(node, sample(node, S, 0, node * 10, 3 + node * 10, 5 + node));
            s.add(node, sample(node, 2 * S, 0, node * 20, 3 + node * 20, 7 + 2 * node));
        }
        List<SeriesPoint> p = s.finish();
        SeriesPoint jobs = point(p, 2 * S, "/jobs");
        assertEquals(0, jobs.getDying().getMin());
        assertEquals(20, jobs.getDying().getP50());
        assertEquals(40, jobs.getDying().getMax());
        assertEquals(60, jobs.getDying().getSum());
        assertFalse(jobs.hasCssIds(), "node totals are on the root's point only");
        SeriesPoint root = point(p, 2 * S, "/");
        assertEquals(20, root.getDyingMemcgs().getP50());
        assertEquals(40, root.getDyingMemcgs().getMax());
        assertEquals(43, root.getCssIds().getMax());
        assertEquals(23, root.getCssIds().getP50());
        assertEquals(3, root.getCssIds().getMin());
        assertEquals(18, point(p, S, "/").getMkdirEnospc(), "the first interval counts from boot: 5 + 6 + 7");
        assertEquals(2 + 3 + 4, root.getMkdirEnospc(), "the second counts the interval's refusals only");
        assertFalse(point(p, S, "/").hasDying(), "no group under / itself is dying");
    }

    @Test
    void aNodesFinalSampleAtTheSameTimeReplacesItsValuesWithoutCountingTheIntervalTwice() {
        FleetSeries s = new FleetSeries(2);
        s.add(0, sample(0, S, 1, 1, 3, 4));
        s.add(0, sample(0, 2 * S, 1, 1, 3, 6));
        s.add(0, sample(0, 2 * S, 3, 2, 4, 9));
        s.add(1, sample(1, S, 0, 0, 1, 0));
        s.add(1, sample(1, 2 * S, 0, 0, 1, 0));
        List<SeriesPoint> p = s.finish();
        assertEquals(5, point(p, 2 * S, "/").getMkdirEnospc(), "9 at the end against 4 at the previous time");
        assertEquals(3, point(p, 2 * S, "/jobs").getDeadCaches());
        assertEquals(2, point(p, 2 * S, "/jobs").getDying().getMax());
        assertTrue(point(p, 2 * S, "/").hasPinnedKmemBytes());
        assertEquals(3 * 4096L, point(p, 2 * S, "/").getPinnedKmemBytes().getMax());
    }
}
