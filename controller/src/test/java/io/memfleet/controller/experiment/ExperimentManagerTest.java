package io.memfleet.controller.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.controller.model.FleetState;
import io.memfleet.protocol.NodeIds;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentSeries;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.GenerationProgress;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.Submission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The experiment lifecycle decided without a broker: submissions, generation, telemetry, failures, restarts. */
class ExperimentManagerTest {
    private static final String YAML = String.join("\n", "name: tiny", "seed: 7", "nodes: 2", "duration: 2s",
            "step: 100ms", "telemetry_interval: 1s", "cgroups:", "  - path: /web", "    limit: 64M", "workloads:",
            "  - model: anon-grower", "    cgroup: /web", "    params: {grow_per_step: 64K}", "");
    private final AtomicLong now = new AtomicLong(1_000);
    private final ExperimentManager m = new ExperimentManager(2, now::get, name -> name + "-x1");
    private final FleetState fleet = new FleetState();

    private static Submission submission(String yaml) {
        return Submission.newBuilder().setSource("tiny.yaml").setYaml(yaml).build();
    }

    private static NodeTelemetry sample(String id, int node, long seq, long timeNs, boolean last) {
        return NodeTelemetry.newBuilder().setNodeId(NodeIds.nodeId(id, node)).setSeq(seq).setSimTimeNs(timeNs)
                .setEventsApplied(10 * (seq + 1)).setLastSeq(10 * (seq + 1)).setFilesPublished(last)
                .addCgroups(CgroupSample.newBuilder().setPath("/web").setUsageInBytes((node + 1) * 4096L * (seq + 1)))
                .build();
    }

    private List<Experiment> telemetry(NodeTelemetry t) {
        return fleet.onTelemetry(t) ? m.onTelemetry(t, fleet) : List.of();
    }

    private List<Experiment> generated(String id) {
        List<Experiment> out = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            out.addAll(m.onProgress(GenerationProgress.newBuilder().setExperimentId(id).setPartition(p).setDone(true)
                    .setStepsDone(20).setNodes(1).build()));
        }
        return out;
    }

    @Test
    void aValidSubmissionIsAcceptedWithAnIdAndAnInvalidOneNamesItsLineAndField() {
        ExperimentManager.Submitted ok = m.submit(submission(YAML), "r1");
        assertEquals(ExperimentState.ACCEPTED, ok.experiment().getState());
        assertEquals("tiny-x1", ok.experiment().getId());
        assertEquals(2, ok.experiment().getNodes());
        assertEquals(2_000_000_000L, ok.experiment().getDurationNs());
        ExperimentManager.Submitted bad = m.submit(submission(YAML.replace("anon-grower", "anon-grwoer")), "r2");
        assertNull(bad.experiment());
        assertTrue(bad.invalid().getMessage().startsWith("tiny.yaml:11:"), bad.invalid().getMessage());
        assertEquals("workloads[0].model", bad.invalid().field());
    }

    @Test
    void aRedeliveredRequestGetsTheExperimentItCreated() {
        Experiment first = m.submit(submission(YAML), "r1").experiment();
        assertEquals(first, m.submit(submission(YAML), "r1").experiment());
        assertEquals(1, m.all().size());
    }

    @Test
    void anExperimentGoesFromGeneratingToRunningToDoneWithASummaryAndItsSeries() {
        String id = m.submit(submission(YAML), "r1").experiment().getId();
        List<Experiment> changes = generated(id);
        assertEquals(List.of(ExperimentState.GENERATING, ExperimentState.RUNNING),
                changes.stream().map(Experiment::getState).toList());
        assertTrue(telemetry(sample(id, 0, 0, 1_000_000_000L, false)).isEmpty());
        assertTrue(telemetry(sample(id, 1, 0, 1_000_000_000L, false)).isEmpty());
        assertTrue(telemetry(sample(id, 0, 1, 2_000_000_000L, true)).isEmpty(), "node 1 has not finished");
        assertEquals(1, m.series(id).get(0).getPointsCount(), "the point at 1 s is made while it runs");
        List<Experiment> done = telemetry(sample(id, 1, 1, 2_000_000_000L, true));
        assertEquals(1, done.size());
        Experiment e = done.get(0);
        assertEquals(ExperimentState.DONE, e.getState());
        assertEquals(2, e.getSummary().getNodes());
        assertEquals(40, e.getSummary().getEvents());
        assertEquals(1, e.getSummary().getSeriesChunks());
        List<ExperimentSeries> series = m.series(id);
        assertEquals(1, series.size());
        assertEquals(List.of(1_000_000_000L, 2_000_000_000L),
                series.get(0).getPointsList().stream().map(p -> p.getSimTimeNs()).toList());
        assertEquals(4096 * 2 + 8192 * 2, series.get(0).getPoints(1).getUsageInBytes().getSum());
    }

    @Test
    void aRedeliveredSampleChangesNothing() {
        String id = m.submit(submission(YAML), "r1").experiment().getId();
        generated(id);
        NodeTelemetry t = sample(id, 0, 0, 1_000_000_000L, false);
        telemetry(t);
        assertTrue(telemetry(t).isEmpty());
        telemetry(sample(id, 1, 0, 1_000_000_000L, false));
        io.memfleet.proto.v1.SeriesPoint p = m.series(id).get(0).getPoints(0);
        assertEquals(2, p.getNodes());
        assertEquals(4096 + 8192, p.getUsageInBytes().getSum(), "each node counted once");
    }

    @Test
    void aDeadLetterOfOneOfItsNodesFailsARunningExperimentWithTheReason() {
        String id = m.submit(submission(YAML), "r1").experiment().getId();
        generated(id);
        List<Experiment> failed = m.onDeadLetter(NodeIds.nodeId(id, 1), "bad event");
        assertEquals(ExperimentState.FAILED, failed.get(0).getState());
        assertTrue(failed.get(0).getReason().contains("bad event"), failed.get(0).getReason());
        assertTrue(m.onDeadLetter(NodeIds.nodeId(id, 0), "again").isEmpty(), "a failed experiment stays failed");
    }

    @Test
    void aNodeItsAgentRefusedOrQuarantinedFailsTheExperimentAtOnceWithTheReason() {
        String id = m.submit(submission(YAML), "r1").experiment().getId();
        generated(id);
        List<Experiment> failed = telemetry(sample(id, 1, 0, 1_000_000_000L, false).toBuilder()
                .setFailure("quarantined: the agent's heap was 91% full after a collection").build());
        assertEquals(ExperimentState.FAILED, failed.get(0).getState());
        assertEquals("node " + NodeIds.nodeId(id, 1) + ": quarantined: the agent's heap was 91% full after a collection",
                failed.get(0).getReason());
    }

    @Test
    void anExperimentWhoseNodesNoAgentCouldHoldIsRefusedOnceAnAgentHasSaidWhatItHolds() {
        String big = YAML.replace("nodes: 2", "nodes: 2\nnode: {cpus: 1, mem: 1G}");
        assertNull(m.submit(submission(big), "r1", 100L << 20).experiment());
        assertEquals("tiny.yaml: field 'node.mem': no agent of this fleet could hold one of its nodes: 1024 MiB of simulated "
                + "memory can take up to 224 MiB of an agent's heap, and the agents give one node at most 100 MiB (3/4 of "
                + "their heap less 128 MiB); start agents with more heap (cluster up --agent-heap) or give the nodes less memory",
                m.submit(submission(big), "r2", 100L << 20).invalid().getMessage());
        assertEquals(ExperimentState.ACCEPTED, m.submit(submission(big), "r3", 0).experiment().getState(),
                "no agent has said: the agents refuse the node themselves");
        assertEquals(ExperimentState.ACCEPTED, m.submit(submission(big), "r4", 400L << 20).experiment().getState());
    }

    @Test
    void aGeneratorErrorFailsTheExperimentAndCancellingAnEndedOneDoesNothing() {
        String id = m.submit(submission(YAML), "r1").experiment().getId();
        List<Experiment> failed = m.onProgress(GenerationProgress.newBuilder().setExperimentId(id).setPartition(0)
                .setError("broker gone").build());
        assertEquals(ExperimentState.FAILED, failed.get(0).getState());
        assertNull(m.cancel(id, "too late"));
    }

    @Test
    void aCancelledExperimentIgnoresLaterTelemetry() {
        String id = m.submit(submission(YAML), "r1").experiment().getId();
        Experiment c = m.cancel(id, "cancelled by test");
        assertEquals(ExperimentState.CANCELLED, c.getState());
        assertEquals(2, c.getVersion());
        assertTrue(telemetry(sample(id, 0, 0, 1_000_000_000L, true)).isEmpty());
    }

    @Test
    void progressIsWrittenAtMostOnceASecondAndARestartedManagerContinuesFromTheRecords() {
        String id = m.submit(submission(YAML), "r1").experiment().getId();
        List<Experiment> written = new ArrayList<>(generated(id));
        telemetry(sample(id, 0, 0, 1_000_000_000L, false));
        assertTrue(m.tick(fleet).isEmpty(), "less than a second since the last record");
        now.addAndGet(1_000);
        List<Experiment> progress = m.tick(fleet);
        assertEquals(1, progress.size());
        written.addAll(progress);
        ExperimentManager restarted = new ExperimentManager(2, now::get, name -> name + "-x2");
        written.forEach(restarted::replay);
        assertEquals(ExperimentState.RUNNING, restarted.get(id).getState());
        assertEquals(m.get(id), restarted.get(id));
        assertNotNull(restarted.submit(submission(YAML), "r1").experiment(), "the request is known after a restart");
        assertEquals(id, restarted.submit(submission(YAML), "r1").experiment().getId());
    }
}
