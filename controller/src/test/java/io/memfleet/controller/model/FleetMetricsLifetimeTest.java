package io.memfleet.controller.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.common.CgroupFold;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.Progress;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Transient cgroups folded by pattern, ended experiments kept for a while, rollout generations counted. */
class FleetMetricsLifetimeTest {
    private static final CgroupFold DECLARED = CgroupFold.declared(List.of("/web", "/jobs"));

    private static NodeTelemetry withJobs(String id) {
        NodeTelemetry t = FleetMetricsTest.node(id, 1, 100, "/jobs");
        return t.toBuilder()
                .addCgroups(CgroupSample.newBuilder().setPath("/jobs/job1").setUsageInBytes(10).setMaxUsageInBytes(40)
                        .setLimitInBytes(8192))
                .addCgroups(CgroupSample.newBuilder().setPath("/jobs/job2").setUsageInBytes(20).setMaxUsageInBytes(30)
                        .setLimitInBytes(4096))
                .build();
    }

    private static String text(FleetState live, Collection<FleetState> ended, Collection<Experiment> experiments,
                               FleetMetrics.Options o) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, FleetMetrics.snapshot(live, ended, experiments,
                    e -> DECLARED, o));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void transientCgroupsAreSummedUnderTheirPatternAndLimitsTakeTheLargest() {
        FleetState f = new FleetState();
        f.onTelemetry(withJobs("x/0"));
        f.onTelemetry(withJobs("x/1"));
        String text = text(f, List.of(), List.of(), new FleetMetrics.Options(1000, 64, false));
        FleetMetricsTest.assertExpositionFormat(text);
        assertTrue(text.contains("memfleet_memory_usage_bytes{cgroup=\"/jobs/*\",node=\"x/0\"} 30"), text);
        assertTrue(text.contains("memfleet_memory_max_usage_bytes{cgroup=\"/jobs/*\",node=\"x/0\"} 40"), text);
        assertTrue(text.contains("memfleet_spec_memory_limit_bytes{cgroup=\"/jobs/*\",node=\"x/0\"} 8192"), text);
        assertTrue(text.contains("memfleet_fleet_memory_usage_bytes{cgroup=\"/jobs/*\",experiment=\"x\",stat=\"sum\"} 60"),
                text);
        assertTrue(text.contains("memfleet_fleet_memory_usage_bytes{cgroup=\"/jobs\",experiment=\"x\",stat=\"max\"} 100"),
                text);
        assertFalse(text.contains("job1"), text);
    }

    @Test
    void exactCgroupsKeepEveryPath() {
        FleetState f = new FleetState();
        f.onTelemetry(withJobs("x/0"));
        String text = text(f, List.of(), List.of(), new FleetMetrics.Options(1000, 64, false, true, 0));
        assertTrue(text.contains("memfleet_memory_usage_bytes{cgroup=\"/jobs/job2\",node=\"x/0\"} 20"), text);
        assertTrue(text.contains("memfleet_fleet_memory_usage_bytes{cgroup=\"/jobs/job1\",experiment=\"x\",stat=\"max\"} 10"),
                text);
        assertFalse(text.contains("cgroup=\"/jobs/*\""), text);
    }

    @Test
    void anEndedExperimentKeepsItsFinalSeriesUntilItsRetentionIsOver() {
        FleetState f = new FleetState();
        f.onTelemetry(withJobs("x/0"));
        f.onTelemetry(withJobs("x/1"));
        Experiment done = Experiment.newBuilder().setId("x").setState(ExperimentState.DONE).setNodes(2)
                .setDurationNs(30_000_000_000L).setProgress(Progress.newBuilder().setSimTimeNs(29_000_000_000L)).build();
        RetainedExperiments kept = new RetainedExperiments(3_600_000);
        kept.ended("x", f, 1_000);
        assertTrue(f.nodes().isEmpty(), "the live fleet no longer has the nodes");
        kept.expire(3_600_999);
        String text = text(f, kept.states(), List.of(done), new FleetMetrics.Options(1000, 64, false));
        assertTrue(text.contains("memfleet_experiment_progress_ratio{experiment=\"x\"} 1.0"), text);
        assertTrue(text.contains("memfleet_experiment_nodes_finished{experiment=\"x\"} 2.0"), text);
        assertTrue(text.contains("memfleet_fleet_oom_kills_total{cgroup=\"/jobs\",experiment=\"x\"} 2.0"), text);
        assertFalse(text.contains("memfleet_memory_usage_bytes{"), "per-node series go with the live nodes: " + text);
        kept.expire(3_601_000);
        text = text(f, kept.states(), List.of(done), new FleetMetrics.Options(1000, 64, false));
        assertFalse(text.contains("experiment=\"x\""), text);
    }

    @Test
    void withoutRetentionAnEndedExperimentGoesAtOnce() {
        FleetState f = new FleetState();
        f.onTelemetry(withJobs("x/0"));
        RetainedExperiments none = new RetainedExperiments(0);
        none.ended("x", f, 0);
        assertTrue(f.nodes().isEmpty());
        assertFalse(none.contains("x"));
    }

    @Test
    void aRolloutsGenerationIsItsRevisionNotTheWallClock() {
        FleetState f = new FleetState();
        f.onRollout(ConfigRollout.newBuilder().setRolloutId("limit").setGeneration(1_765_000_000_000L).setRevision(1).build());
        f.onRollout(ConfigRollout.newBuilder().setRolloutId("limit").setGeneration(1_765_000_000_500L).setRevision(2).build());
        String text = text(f, List.of(), List.of(), new FleetMetrics.Options(1000, 64, false));
        assertTrue(text.contains("memfleet_rollout_generation{rollout=\"limit\"} 2.0"), text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("memfleet_rollout_generation{")).count());
    }
}
