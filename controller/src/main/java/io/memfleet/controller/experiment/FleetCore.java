package io.memfleet.controller.experiment;

import io.memfleet.controller.model.FleetState;
import io.memfleet.controller.model.RetainedExperiments;
import io.memfleet.proto.v1.ConfigAck;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.DeadLetter;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentRequest;
import io.memfleet.proto.v1.ExperimentSeries;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.GenerationProgress;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.protocol.ExperimentStates;
import io.memfleet.protocol.NodeIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The controller's decisions, without Vert.x or Kafka: typed batches of what the fleet's topics
 * delivered go in ({@link #apply}), with the timer's ticks and the API's submissions and
 * cancellations, and what to publish comes out ({@link Write}: an experiment record, and with a
 * DONE one the chunks of its series). The state (the fleet, the experiments, the ended
 * experiments kept on /metrics) changes only here; adapters publish the writes and serve reads.
 */
public final class FleetCore {
    /** What the fleet's topics delivered since the last batch, in the order read. */
    public record Batch(List<ConfigRollout> rollouts, List<NodeTelemetry> telemetry, List<ConfigAck> acks,
                        List<GenerationProgress> progress, List<DeadLetter> deadLetters, List<ExperimentRequest> requests) {
        /** A batch to fill. */
        public static Batch empty() {
            return new Batch(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>());
        }

        public boolean isEmpty() {
            return rollouts.isEmpty() && telemetry.isEmpty() && acks.isEmpty() && progress.isEmpty()
                    && deadLetters.isEmpty() && requests.isEmpty();
        }
    }

    /** One experiment record to publish; a DONE one comes with its series' chunks, published before it. */
    public record Write(Experiment experiment, List<ExperimentSeries> series) { }

    private final FleetState fleet = new FleetState();
    private final ExperimentManager experiments;
    private final RetainedExperiments retained;

    public FleetCore(ExperimentManager experiments, long keepFinishedMs) {
        this.experiments = experiments;
        this.retained = new RetainedExperiments(keepFinishedMs);
    }

    public FleetState fleet() {
        return fleet;
    }

    public ExperimentManager experiments() {
        return experiments;
    }

    public RetainedExperiments retained() {
        return retained;
    }

    /** Applies a batch read from the topics; what to publish, in order. */
    public List<Write> apply(Batch b, long nowMs) {
        List<Write> out = new ArrayList<>();
        b.rollouts().forEach(fleet::onRollout);
        for (NodeTelemetry t : b.telemetry()) {
            telemetry(t, out, nowMs);
        }
        b.acks().forEach(fleet::onAck);
        for (GenerationProgress g : b.progress()) {
            written(experiments.onProgress(g), out, nowMs);
        }
        for (DeadLetter d : b.deadLetters()) {
            written(experiments.onDeadLetter(deadLetterNode(d), d.getReason()), out, nowMs);
        }
        for (ExperimentRequest q : b.requests()) {
            request(q, out, nowMs);
        }
        return out;
    }

    /** The timer: experiments' progress records (at most one a second each). */
    public List<Write> tick(long nowMs) {
        List<Write> out = new ArrayList<>();
        written(experiments.tick(fleet), out, nowMs);
        return out;
    }

    /** A record the API made (a submission, a cancellation), as a write. */
    public Write written(Experiment e, long nowMs) {
        List<ExperimentSeries> series = e.getState() == ExperimentState.DONE ? experiments.series(e.getId()) : List.of();
        if (ExperimentStates.isFinal(e.getState()) && !retained.contains(e.getId())) {
            retained.ended(e.getId(), fleet, nowMs);
        }
        return new Write(e, series);
    }

    private void written(List<Experiment> records, List<Write> out, long nowMs) {
        for (Experiment e : records) {
            out.add(written(e, nowMs));
        }
    }

    /** The node a dead letter's key names (null without a key). */
    static String deadLetterNode(DeadLetter d) {
        return d.getKey().isEmpty() ? null : d.getKey().toString(StandardCharsets.UTF_8);
    }

    private void telemetry(NodeTelemetry t, List<Write> out, long nowMs) {
        String exp = NodeIds.experimentOf(t.getNodeId());
        if (exp != null) {
            Experiment e = experiments.get(exp);
            if (e != null && ExperimentStates.isFinal(e.getState())) {
                return; // an ended experiment's nodes are not tracked any more
            }
        }
        if (fleet.onTelemetry(t)) {
            written(experiments.onTelemetry(t, fleet), out, nowMs);
        }
    }

    private void request(ExperimentRequest q, List<Write> out, long nowMs) {
        if (q.hasSubmit()) {
            ExperimentManager.Submitted s = experiments.submit(q.getSubmit(), q.getRequestId(), fleet.nodeHeapBudget());
            if (s.experiment() != null) {
                out.add(written(s.experiment(), nowMs));
            } else {
                // the answer to an invalid request: a failed experiment that names why
                out.add(written(Experiment.newBuilder().setId("rejected-" + q.getRequestId()).setRequestId(q.getRequestId())
                        .setState(ExperimentState.FAILED).setReason(s.invalid().getMessage())
                        .setSubmission(q.getSubmit()).setVersion(1).build(), nowMs));
            }
        } else if (!q.getCancel().isEmpty()) {
            Experiment e = experiments.cancel(q.getCancel(), "cancelled by " + q.getRequestedBy());
            if (e != null) {
                out.add(written(e, nowMs));
            }
        }
    }
}
