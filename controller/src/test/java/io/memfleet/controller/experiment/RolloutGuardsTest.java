package io.memfleet.controller.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.GuardValue;
import io.memfleet.proto.v1.KernelEvent;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.OomKill;
import io.memfleet.proto.v1.RolloutDecision;
import io.memfleet.workload.gen.RolloutPlan;
import io.memfleet.workload.spec.ExperimentParser;
import io.memfleet.workload.spec.ExperimentSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The halt_if rules over hand-made samples: each metric's reading, each aggregate, and when a wave is decided. */
class RolloutGuardsTest {
    private static final String YAML = """
            name: g
            nodes: 10
            duration: 20s
            step: 100ms
            telemetry_interval: 1s
            cgroups: [{path: /g, limit: 64M}]
            workloads: [{model: anon-grower, cgroup: /g}]
            rollouts:
              - name: r
                at: 2s
                cgroups: [{path: /g, limit: 32M}]
                waves: [20%%, 100%%]
                order: index
                bake: 2s
                halt_if:
                  - {cgroup: /g, metric: failcnt, p99_above: %s}
                  - {cgroup: /g, metric: oom_kills, per_node_above: 0.5}
                  - {cgroup: /g, metric: usage, max_above: 100M}
            """;
    private static final long S = 1_000_000_000L;

    private static ExperimentSpec spec(String failcntAbove) throws Exception {
        return ExperimentParser.parse(YAML.formatted(failcntAbove), "g.yaml");
    }

    private static NodeTelemetry sample(int node, long seconds, long failcnt, long usage, int oomKills) {
        NodeTelemetry.Builder t = NodeTelemetry.newBuilder().setNodeId("g-x/" + node).setSimTimeNs(seconds * S)
                .addCgroups(CgroupSample.newBuilder().setPath("/g").setFailcnt(failcnt).setUsageInBytes(usage));
        for (int k = 0; k < oomKills; k++) {
            t.addEvents(KernelEvent.newBuilder().setOomKill(OomKill.newBuilder().setMemcgPath("/g")));
        }
        return t.build();
    }

    /** Wave 1 (nodes 0 and 1) from its start at 2 s to the end of its bake at 4 s, with a sample before and one of node 2. */
    private static List<NodeTelemetry> wave1() {
        return List.of(sample(0, 1, 2, 10 << 20, 0), sample(0, 2, 5, 20 << 20, 0), sample(0, 3, 12, 50 << 20, 1),
                sample(0, 4, 20, 30 << 20, 0), sample(1, 2, 0, 20 << 20, 0), sample(1, 3, 1, 25 << 20, 0),
                sample(1, 4, 3, 26 << 20, 0), sample(2, 4, 999, 999L << 20, 9));
    }

    private static List<RolloutDecision> feed(RolloutGuards g, List<NodeTelemetry> samples) {
        List<RolloutDecision> made = new ArrayList<>();
        for (NodeTelemetry t : samples) {
            int node = Integer.parseInt(t.getNodeId().substring(t.getNodeId().indexOf('/') + 1));
            g.add(node, t, RolloutPlan.Verdicts.of(made));
            made.addAll(g.decide(RolloutPlan.Verdicts.of(made)));
        }
        return made;
    }

    @Test
    void eachRuleReadsItsMetricOverTheWavesOwnNodesAndWindow() throws Exception {
        List<RolloutDecision> made = feed(new RolloutGuards(spec("10")), wave1());
        assertEquals(1, made.size());
        RolloutDecision d = made.get(0);
        assertEquals(List.of("r", 1, 4 * S), List.of(d.getRollout(), d.getWave(), d.getSimTimeNs()));
        List<GuardValue> g = d.getGuardsList();
        assertEquals(15.0, g.get(0).getValue(), "failcnt's growth from the start's sample: node 0 5 to 20, node 1 0 to 3");
        assertTrue(g.get(0).getTripped(), "p99 of 15 and 3 is 15, above 10");
        assertEquals(0.5, g.get(1).getValue(), "one OOM kill after the start over two nodes");
        assertFalse(g.get(1).getTripped(), "0.5 is not above 0.5");
        assertEquals(50 << 20, g.get(2).getValue(), "the highest usage after the start (node 2 is not in wave 1)");
        assertTrue(d.getHalted());
        assertFalse(feed(new RolloutGuards(spec("15")), wave1()).get(0).getHalted(), "15 is not above 15");
    }

    @Test
    void aWaveIsDecidedOnlyOnceEachOfItsNodesReportedTheEndOfItsBake() throws Exception {
        RolloutGuards g = new RolloutGuards(spec("10"));
        List<NodeTelemetry> all = new ArrayList<>(wave1());
        all.removeIf(t -> t.getNodeId().endsWith("/1") && t.getSimTimeNs() == 4 * S);
        assertEquals(List.of(), feed(g, all), "node 1 has not reached 4 s");
        assertEquals(1, feed(g, List.of(sample(1, 4, 3, 26 << 20, 0))).size());
    }

    @Test
    void theVerdictIsTheSameWhateverOrderAndRedeliveriesTheSamplesComeIn() throws Exception {
        RolloutDecision once = feed(new RolloutGuards(spec("10")), wave1()).get(0);
        Random rnd = new Random(3);
        for (int round = 0; round < 50; round++) {
            List<NodeTelemetry> shuffled = new ArrayList<>(wave1());
            shuffled.addAll(wave1().subList(0, rnd.nextInt(wave1().size()))); // redelivered samples
            Collections.shuffle(shuffled, rnd);
            shuffled.sort((a, b) -> Long.compare(a.getSimTimeNs() == 4 * S ? 1 : 0, b.getSimTimeNs() == 4 * S ? 1 : 0));
            assertEquals(once, feed(new RolloutGuards(spec("10")), shuffled).get(0), "round " + round);
        }
    }

    @Test
    void aDeadCacheAggregateCountsTheCachesItStandsForUnderTheParent() {
        NodeTelemetry t = NodeTelemetry.newBuilder()
                .addCaches(io.memfleet.proto.v1.SlabCacheSample.newBuilder().setName("dentry").setMemcgPath("/g")
                        .setDead(true).setDeadCaches(40))
                .addCaches(io.memfleet.proto.v1.SlabCacheSample.newBuilder().setName("dentry(9:j)dead")
                        .setMemcgPath("/g/j").setDead(true))
                .addCaches(io.memfleet.proto.v1.SlabCacheSample.newBuilder().setName("dentry(3:g)").setMemcgPath("/g"))
                .build();
        io.memfleet.workload.spec.RolloutSpec.Guard dead = new io.memfleet.workload.spec.RolloutSpec.Guard("/g",
                io.memfleet.workload.spec.RolloutSpec.Metric.DEAD_CACHES, io.memfleet.workload.spec.RolloutSpec.Aggregate.MAX, 1);
        io.memfleet.workload.spec.RolloutSpec.Guard live = new io.memfleet.workload.spec.RolloutSpec.Guard("/g",
                io.memfleet.workload.spec.RolloutSpec.Metric.LIVE_CACHES, io.memfleet.workload.spec.RolloutSpec.Aggregate.MAX, 1);
        assertEquals(41, RolloutGuards.value(t, dead), "40 in the aggregate and one sent alone (an older agent)");
        assertEquals(1, RolloutGuards.value(t, live));
    }
}
