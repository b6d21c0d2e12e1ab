package io.memfleet.workload.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memfleet.proto.v1.Submission;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutParserTest {
    private static final String BASE = """
            name: t
            nodes: 20
            duration: 30s
            step: 100ms
            telemetry_interval: 1s
            cgroups: [{path: /batch, limit: 32M}, {path: /web, limit: 128M}]
            workloads: [{model: anon-grower, cgroup: /batch}]
            rollouts:
              - name: tighter
                at: 10s
                cgroups: [{path: /batch, limit: 24M}]
                waves: [10%, 50%, 100%]
                bake: 5s
                halt_if:
                  - {cgroup: /batch, metric: oom_kills, per_node_above: 0.05}
                  - {cgroup: /batch, metric: failcnt, p99_above: 1000}
            """;

    private static String error(String yaml) {
        return assertThrows(ExperimentException.class, () -> ExperimentParser.parse(yaml, "r.yaml")).getMessage();
    }

    @Test
    void aRolloutParsesWithItsDefaults() throws Exception {
        RolloutSpec r = ExperimentParser.parse(BASE, "r.yaml").rollouts().get(0);
        assertEquals(10_000_000_000L, r.atNs());
        assertEquals(List.of(0.1, 0.5, 1.0), r.waves());
        assertEquals(RolloutSpec.Order.SEEDED, r.order());
        assertEquals(RolloutSpec.OnHalt.ROLLBACK, r.onHalt());
        assertEquals(new RolloutSpec.Guard("/batch", RolloutSpec.Metric.FAILCNT, RolloutSpec.Aggregate.P99, 1000),
                r.haltIf().get(1));
        assertEquals(20_000_000_000L, r.decidedAtNs(2));
        assertEquals(24L << 20, r.cgroups().get(0).getLimitInBytes());
    }

    @Test
    void timesOffTheTelemetryClockOrPastTheEndAreRefusedWithTheirLine() {
        assertEquals("r.yaml:10: field 'rollouts[0].at': must be a multiple of the step (0.1 s) and of telemetry_interval "
                + "(1.0 s), so that waves start and end on a sample; got '10500ms'", error(BASE.replace("at: 10s", "at: 10500ms")));
        assertEquals("r.yaml:10: field 'rollouts[0].at': at or after the end of the experiment (30.0 s)",
                error(BASE.replace("at: 10s", "at: 30s")));
        assertEquals("r.yaml:13: field 'rollouts[0].bake': a wave needs some time to bake: above 0",
                error(BASE.replace("bake: 5s", "bake: 0s")));
    }

    @Test
    void wavesMustEachReachMoreNodes() {
        assertEquals("r.yaml:12: field 'rollouts[0].waves[1]': reaches no node the waves before it did not (2 of 20 nodes); "
                + "make the shares further apart", error(BASE.replace("[10%, 50%, 100%]", "[8%, 10%, 100%]")));
        assertEquals("r.yaml:12: field 'rollouts[0].waves[0]': a share is above 0% and at most 100%, got '150%'",
                error(BASE.replace("[10%, 50%, 100%]", "[150%]")));
    }

    @Test
    void cgroupsAndRulesMustBeTheExperimentsAndEachRuleHasOneThreshold() {
        assertEquals("r.yaml:11: field 'rollouts[0].cgroups[0].path': '/jobs' is not in the experiment's cgroups (a rollout "
                + "changes settings of cgroups the experiment makes)", error(BASE.replace("[{path: /batch, limit: 24M}]",
                "[{path: /jobs, limit: 24M}]")));
        assertEquals("r.yaml:15: field 'rollouts[0].halt_if[0].metric': expected one of usage, kmem, dead_caches, "
                + "live_caches, failcnt, oom_kills, alloc_failures, got 'ooms'", error(BASE.replace("metric: oom_kills",
                "metric: ooms")));
        assertEquals("r.yaml:15: field 'rollouts[0].halt_if[0].per_node_above': give exactly one of per_node_above, "
                + "p50_above, p99_above, max_above", error(BASE.replace("per_node_above: 0.05",
                "per_node_above: 0.05, max_above: 2")));
    }

    @Test
    void aVariantLaysItsRolloutOverTheExperimentsFieldByField() throws Exception {
        String yaml = BASE + """
                variants:
                  - name: r16m
                    rollouts: [{name: tighter, cgroups: [{path: /batch, limit: 16M}]}]
                """;
        ExperimentSpec v = ExperimentParser.parse(Submission.newBuilder().setSource("r.yaml").setYaml(yaml)
                .setVariant("r16m").build());
        RolloutSpec r = v.rollouts().get(0);
        assertEquals(16L << 20, r.cgroups().get(0).getLimitInBytes(), "the variant's limit");
        assertEquals(List.of(0.1, 0.5, 1.0), r.waves(), "the experiment's waves");
        assertEquals(2, r.haltIf().size(), "and rules");
        assertEquals("r.yaml:19: field 'variants[0].rollouts[0].at': required", error(BASE + """
                variants:
                  - name: new
                    rollouts: [{name: other, cgroups: [{path: /web, limit: 64M}]}]
                """));
    }
}
