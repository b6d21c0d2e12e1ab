package io.memfleet.controller.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.DeadLetter;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentRequest;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.GenerationProgress;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.Submission;
import io.memfleet.protocol.NodeIds;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The controller's decisions from typed batches, without Vert.x or Kafka (as AgentCoreTest tests the agent). */
class FleetCoreTest {
    private static final String YAML = String.join("\n", "name: tiny", "seed: 7", "nodes: 2", "duration: 2s",
            "step: 100ms", "telemetry_interval: 1s", "cgroups:", "  - path: /web", "    limit: 64M", "workloads:",
            "  - model: anon-grower", "    cgroup: /web", "    params: {grow_per_step: 64K}", "");
    private final AtomicLong now = new AtomicLong(1_000);
    private final FleetCore core = new FleetCore(new ExperimentManager(2, now::get, name -> name + "-x1"), 60_000);

    private static FleetCore.Batch requests(ExperimentRequest... q) {
        FleetCore.Batch b = FleetCore.Batch.empty();
        b.requests().addAll(List.of(q));
        return b;
    }

    private static ExperimentRequest submit(String yaml, String requestId) {
        return ExperimentRequest.newBuilder().setRequestId(requestId)
                .setSubmit(Submission.newBuilder().setSource("tiny.yaml").setYaml(yaml)).build();
    }

    private static NodeTelemetry sample(String id, int node, long seq, boolean last) {
        return NodeTelemetry.newBuilder().setNodeId(NodeIds.nodeId(id, node)).setSeq(seq).setSimTimeNs(seq * 1_000_000_000L)
                .setEventsApplied(10 * (seq + 1)).setLastSeq(10 * (seq + 1)).setFilesPublished(last)
                .addCgroups(CgroupSample.newBuilder().setPath("/web").setUsageInBytes(4096L * (seq + 1))).build();
    }

    private static List<ExperimentState> states(List<FleetCore.Write> writes) {
        return writes.stream().map(w -> w.experiment().getState()).toList();
    }

    private String accepted() {
        List<FleetCore.Write> w = core.apply(requests(submit(YAML, "r1")), now.get());
        assertEquals(List.of(ExperimentState.ACCEPTED), states(w));
        return w.get(0).experiment().getId();
    }

    @Test
    void aSubmissionIsAcceptedAndAnInvalidOneAnsweredWithAFailedRecordNamingItsRequest() {
        accepted();
        List<FleetCore.Write> w = core.apply(requests(submit(YAML.replace("anon-grower", "nope"), "r2")), now.get());
        Experiment rejected = w.get(0).experiment();
        assertEquals("rejected-r2", rejected.getId());
        assertEquals(ExperimentState.FAILED, rejected.getState());
        assertTrue(rejected.getReason().contains("workloads[0].model"), rejected.getReason());
    }

    @Test
    void anExperimentRunsToDoneAndItsDoneRecordCarriesItsSeriesAndIsKeptForMetrics() {
        String id = accepted();
        FleetCore.Batch progress = FleetCore.Batch.empty();
        for (int p = 0; p < 2; p++) {
            progress.progress().add(GenerationProgress.newBuilder().setExperimentId(id).setPartition(p).setDone(true)
                    .setStepsDone(20).setNodes(1).build());
        }
        assertEquals(List.of(ExperimentState.GENERATING, ExperimentState.RUNNING), states(core.apply(progress, now.get())));
        FleetCore.Batch samples = FleetCore.Batch.empty();
        for (int n = 0; n < 2; n++) {
            samples.telemetry().add(sample(id, n, 1, false));
            samples.telemetry().add(sample(id, n, 2, true));
        }
        List<FleetCore.Write> w = core.apply(samples, now.get());
        FleetCore.Write done = w.get(w.size() - 1);
        assertEquals(ExperimentState.DONE, done.experiment().getState());
        assertTrue(!done.series().isEmpty(), "a DONE record comes with its series");
        assertTrue(w.subList(0, w.size() - 1).stream().allMatch(x -> x.series().isEmpty()), "only the DONE one");
        assertTrue(core.retained().contains(id), "an ended experiment stays on /metrics for a while");
        assertEquals(List.of(), core.apply(samples, now.get()), "an ended experiment's telemetry changes nothing");
    }

    @Test
    void aDeadLetterOfARunningExperimentsNodeFailsItWithTheReason() {
        String id = accepted();
        FleetCore.Batch b = FleetCore.Batch.empty();
        b.deadLetters().add(DeadLetter.newBuilder().setKey(ByteString.copyFromUtf8(NodeIds.nodeId(id, 1)))
                .setReason("a record without events").build());
        List<FleetCore.Write> w = core.apply(b, now.get());
        assertEquals(List.of(ExperimentState.FAILED), states(w));
        assertEquals("node " + NodeIds.nodeId(id, 1) + ": a record without events", w.get(0).experiment().getReason());
    }

    @Test
    void aCancellationRequestEndsTheExperimentOnce() {
        String id = accepted();
        ExperimentRequest cancel = ExperimentRequest.newBuilder().setRequestId("c1").setCancel(id).setRequestedBy("me").build();
        assertEquals(List.of(ExperimentState.CANCELLED), states(core.apply(requests(cancel), now.get())));
        assertEquals(List.of(), core.apply(requests(cancel), now.get()));
    }
}
