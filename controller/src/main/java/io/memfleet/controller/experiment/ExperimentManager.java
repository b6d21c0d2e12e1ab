package io.memfleet.controller.experiment;

import io.memfleet.common.CgroupFold;
import io.memfleet.controller.model.FleetSeries;
import io.memfleet.controller.model.FleetState;
import io.memfleet.protocol.ExperimentStates;
import io.memfleet.protocol.NodeIds;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentSeries;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.ExperimentSummary;
import io.memfleet.proto.v1.RolloutDecision;
import io.memfleet.proto.v1.GenerationProgress;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.Progress;
import io.memfleet.proto.v1.SeriesPoint;
import io.memfleet.proto.v1.Submission;
import io.memfleet.workload.spec.ExperimentException;
import io.memfleet.workload.spec.ExperimentParser;
import io.memfleet.workload.spec.ExperimentSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Owns every experiment's lifecycle, with no I/O: it validates submissions and gives them ids,
 * and moves each experiment along ACCEPTED, GENERATING, RUNNING, COLLECTING and DONE (or FAILED or
 * CANCELLED) from what the fleet reports: generation progress, node telemetry and dead letters.
 * Every change is a new Experiment record the caller writes to the experiments topic (this is its
 * only writer); replaying that topic and the inputs rebuilds the same state after a restart.
 */
public final class ExperimentManager {
    /** What a submission came to: an accepted experiment (its first record), or why not. */
    public record Submitted(Experiment experiment, ExperimentException invalid) { }

    private static final long PROGRESS_EVERY_MS = 1000;

    private final int partitions;
    private final LongSupplier clockMs;
    private final IdSource ids;
    private final Map<String, Tracked> experiments = new LinkedHashMap<>();
    private final Map<String, String> byRequest = new HashMap<>();

    /** Gives new experiments their id suffix (random in production, fixed in tests). */
    public interface IdSource {
        String next(String name);
    }

    /** One experiment and what is known of it. */
    private static final class Tracked {
        Experiment record;
        ExperimentSpec spec;
        final Map<Integer, GenerationProgress> progress = new HashMap<>();
        final Set<String> finished = new TreeSet<>();
        long lastWrittenMs;
        boolean progressChanged;
        FleetSeries series;
        List<ExperimentSeries> seriesChunks = List.of();
        /** Its rollouts (null without any): verdicts, rules, the split series. */
        ExperimentRollouts rollouts;

        FleetSeries series() {
            if (series == null) {
                series = new FleetSeries(record.getNodes(), rollouts() == null ? FleetSeries.Split.NONE
                        : rollouts.split());
            }
            return series;
        }

        ExperimentRollouts rollouts() {
            if (rollouts == null && (rollouts = ExperimentRollouts.of(spec)) != null) {
                rollouts.verdicts(record.getDecisionsList());
            }
            return rollouts;
        }

        void record(Experiment e) {
            record = e;
            if (rollouts != null) {
                rollouts.verdicts(e.getDecisionsList());
            }
        }
    }

    /** Points per ExperimentSeries record: a record stays far below Kafka's 1 MiB default. */
    static final int POINTS_PER_CHUNK = 500;

    public ExperimentManager(int partitions, LongSupplier clockMs, IdSource ids) {
        this.partitions = partitions;
        this.clockMs = clockMs;
        this.ids = ids;
    }

    public Collection<Experiment> all() {
        List<Experiment> out = new ArrayList<>();
        experiments.values().forEach(t -> out.add(t.record));
        return out;
    }

    public Experiment get(String id) {
        Tracked t = experiments.get(id);
        return t == null ? null : t.record;
    }

    /** How /metrics folds an experiment's transient cgroups: into the patterns of the cgroups its file declares. */
    public CgroupFold fold(String id) {
        Tracked t = experiments.get(id);
        return t == null || t.spec == null ? CgroupFold.none()
                : CgroupFold.declared(t.spec.cgroups().stream().map(c -> c.getPath()).toList());
    }

    /** An Experiment record read back from the topic (at start-up): the state it says. */
    public void replay(Experiment e) {
        Tracked t = experiments.computeIfAbsent(e.getId(), k -> new Tracked());
        t.record(e);
        if (!e.getRequestId().isEmpty()) {
            byRequest.put(e.getRequestId(), e.getId());
        }
        if (t.spec == null && !ExperimentStates.isFinal(e.getState())) {
            try {
                t.spec = ExperimentParser.parse(e.getSubmission());
            } catch (ExperimentException ex) {
                t.spec = null;
            }
        }
    }

    /**
     * A submission: validated with the parser every tool uses; an invalid one gets no experiment.
     * A request already answered (a redelivery) gets the experiment it created.
     */
    public Submitted submit(Submission s, String requestId) {
        return submit(s, requestId, 0);
    }

    /**
     * A submission, refused when invalid or when its nodes could take more heap than any agent
     * heard from gives one node ({@code nodeHeapBudget}; 0: no agent has said, so nothing is refused).
     */
    public Submitted submit(Submission s, String requestId, long nodeHeapBudget) {
        String known = requestId.isEmpty() ? null : byRequest.get(requestId);
        if (known != null) {
            return new Submitted(experiments.get(known).record, null);
        }
        ExperimentSpec spec;
        try {
            spec = ExperimentParser.parse(s);
            HeapAdmission.check(spec, s.getSource(), nodeHeapBudget);
        } catch (ExperimentException e) {
            return new Submitted(null, e);
        }
        String id = ids.next(spec.name());
        long now = clockMs.getAsLong();
        Tracked t = new Tracked();
        t.spec = spec;
        t.record = Experiment.newBuilder().setId(id).setName(spec.name()).setSubmission(s)
                .setState(ExperimentState.ACCEPTED).setNodes(spec.nodes()).setDurationNs(spec.durationNs())
                .setRequestId(requestId).setSubmittedAtMs(now).setUpdatedAtMs(now).setVersion(1)
                .setProgress(Progress.newBuilder().setPartitions(partitions))
                .addAllRollouts(ExperimentRollouts.schedule(spec)).build();
        t.lastWrittenMs = now;
        experiments.put(id, t);
        if (!requestId.isEmpty()) {
            byRequest.put(requestId, id);
        }
        return new Submitted(t.record, null);
    }

    /** Cancels a running experiment; null when there is no such experiment or it has ended. */
    public Experiment cancel(String id, String why) {
        Tracked t = experiments.get(id);
        if (t == null || ExperimentStates.isFinal(t.record.getState())) {
            return null;
        }
        return change(t, ExperimentState.CANCELLED, why);
    }

    private Experiment change(Tracked t, ExperimentState to, String reason) {
        long now = clockMs.getAsLong();
        Experiment.Builder b = t.record.toBuilder().setState(to).setUpdatedAtMs(now)
                .setVersion(t.record.getVersion() + 1);
        if (reason != null) {
            b.setReason(reason);
        }
        t.record = b.build();
        t.lastWrittenMs = now;
        t.progressChanged = false;
        return t.record;
    }

    /** A generator's progress on one partition: may start GENERATING, or RUNNING once every partition is done. */
    public List<Experiment> onProgress(GenerationProgress g) {
        Tracked t = experiments.get(g.getExperimentId());
        List<Experiment> out = new ArrayList<>();
        if (t == null || ExperimentStates.isFinal(t.record.getState())) {
            return out;
        }
        t.progress.put(g.getPartition(), g);
        t.progressChanged = true;
        if (!g.getError().isEmpty()) {
            out.add(change(t, ExperimentState.FAILED, "generating partition " + g.getPartition() + ": " + g.getError()));
            return out;
        }
        if (t.record.getState() == ExperimentState.ACCEPTED) {
            out.add(change(t, ExperimentState.GENERATING, null));
        }
        if (t.record.getState() == ExperimentState.GENERATING && t.progress.size() == partitions
                && t.progress.values().stream().allMatch(GenerationProgress::getDone)) {
            out.add(change(t, ExperimentState.RUNNING, null));
        }
        return out;
    }

    /**
     * A node's telemetry (already applied to {@code fleet}): its final sample counts the node
     * finished; the experiment is COLLECTING once every node has run its whole workload and DONE,
     * with its summary, once every node's final state is in.
     */
    public List<Experiment> onTelemetry(NodeTelemetry n, FleetState fleet) {
        List<Experiment> out = new ArrayList<>();
        String id = NodeIds.experimentOf(n.getNodeId());
        Tracked t = id == null ? null : experiments.get(id);
        if (t == null || ExperimentStates.isFinal(t.record.getState())) {
            return out;
        }
        t.progressChanged = true;
        if (!n.getFailure().isEmpty()) { // refused or quarantined by its agent: it will never finish
            out.add(change(t, ExperimentState.FAILED, "node " + n.getNodeId() + ": " + n.getFailure()));
            return out;
        }
        int index = NodeIds.indexOf(n.getNodeId());
        t.series().add(index, n);
        if (t.rollouts() != null) {
            List<RolloutDecision> made = t.rollouts.onSample(index, n);
            if (!made.isEmpty()) {
                long now = clockMs.getAsLong();
                t.record(t.record.toBuilder().addAllDecisions(made).setUpdatedAtMs(now)
                        .setVersion(t.record.getVersion() + 1).build());
                t.lastWrittenMs = now;
                out.add(t.record); // the generators wait for it at the wave's decision time
            }
        }
        if (n.getFilesPublished()) {
            t.finished.add(n.getNodeId());
        }
        if (t.finished.size() >= t.record.getNodes() && t.record.getState() != ExperimentState.DONE) {
            t.seriesChunks = chunks(t.record.getId(), t.series.finish());
            t.series = null; // the points are in the chunks now
            t.record(t.record.toBuilder().setProgress(progress(t, fleet))
                    .setSummary(summary(t, fleet).toBuilder().setSeriesChunks(t.seriesChunks.size())).build());
            out.add(change(t, ExperimentState.DONE, null));
        }
        return out;
    }

    /** A dead-lettered record of a node of a running experiment fails it: its results would be wrong. */
    public List<Experiment> onDeadLetter(String nodeId, String reason) {
        List<Experiment> out = new ArrayList<>();
        String id = nodeId == null ? null : NodeIds.experimentOf(nodeId);
        Tracked t = id == null ? null : experiments.get(id);
        if (t != null && !ExperimentStates.isFinal(t.record.getState())) {
            String prefix = "node " + nodeId + ": "; // a reason that names its node already is not prefixed twice
            out.add(change(t, ExperimentState.FAILED, reason.startsWith(prefix) ? reason : prefix + reason));
        }
        return out;
    }

    /**
     * Progress records of experiments whose progress changed, at most one per experiment a second
     * (walking an experiment's nodes costs time, so it happens here and not per telemetry record);
     * a running experiment whose every node has run its whole workload moves to COLLECTING.
     */
    public List<Experiment> tick(FleetState fleet) {
        long now = clockMs.getAsLong();
        List<Experiment> out = new ArrayList<>();
        for (Tracked t : experiments.values()) {
            if (t.progressChanged && !ExperimentStates.isFinal(t.record.getState())
                    && now - t.lastWrittenMs >= PROGRESS_EVERY_MS) {
                Progress p = progress(t, fleet);
                t.record = t.record.toBuilder().setProgress(p).setUpdatedAtMs(now)
                        .setVersion(t.record.getVersion() + 1).build();
                t.lastWrittenMs = now;
                t.progressChanged = false;
                if (t.record.getState() == ExperimentState.RUNNING && t.spec != null
                        && p.getSimTimeNs() >= t.spec.steps() * t.spec.stepNs()) {
                    t.record = change(t, ExperimentState.COLLECTING, null);
                }
                out.add(t.record);
            }
        }
        return out;
    }

    private static long minSimTime(Tracked t, FleetState fleet) {
        List<NodeTelemetry> nodes = fleet.nodes(t.record.getId());
        if (nodes.size() < t.record.getNodes()) {
            return 0;
        }
        long min = Long.MAX_VALUE;
        for (NodeTelemetry n : nodes) {
            min = Math.min(min, n.getSimTimeNs());
        }
        return min;
    }

    private Progress progress(Tracked t, FleetState fleet) {
        long published = 0;
        int generated = 0;
        for (GenerationProgress g : t.progress.values()) {
            published += g.getEventsPublished();
            generated += g.getDone() ? 1 : 0;
        }
        long applied = 0;
        for (NodeTelemetry n : fleet.nodes(t.record.getId())) {
            applied += n.getEventsApplied();
        }
        return Progress.newBuilder().setSimTimeNs(minSimTime(t, fleet)).setNodesFinished(t.finished.size())
                .setEventsPublished(published).setEventsApplied(applied).setPartitionsGenerated(generated)
                .setPartitions(partitions).build();
    }

    /** The fleet's aggregates over the experiment's final node states: the same however it ran. */
    private static ExperimentSummary summary(Tracked t, FleetState fleet) {
        List<NodeTelemetry> finals = fleet.nodes(t.record.getId());
        ExperimentSummary.Builder b = ExperimentSummary.newBuilder().setNodes(finals.size());
        long events = 0;
        long samples = 0;
        for (NodeTelemetry n : finals) {
            events += n.getEventsApplied();
            samples += n.getSeq() + 1;
        }
        b.setEvents(events).setTelemetrySamples(samples);
        if (t.rollouts() != null) {
            b.addAllRollouts(t.rollouts.summary(t.record.getDecisionsList(), finals));
        }
        FinalAggregates.add(b, fleet, finals);
        return b.build();
    }

    private static List<ExperimentSeries> chunks(String id, List<SeriesPoint> points) {
        int n = Math.max(1, (points.size() + POINTS_PER_CHUNK - 1) / POINTS_PER_CHUNK);
        List<ExperimentSeries> out = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            out.add(ExperimentSeries.newBuilder().setExperimentId(id).setChunk(c).setChunks(n)
                    .addAllPoints(points.subList(c * POINTS_PER_CHUNK, Math.min(points.size(), (c + 1) * POINTS_PER_CHUNK)))
                    .build());
        }
        return out;
    }

    /**
     * The experiment's time series: the points made so far while it runs; once it is done, every
     * point, as the ExperimentSeries records its summary counts (the caller publishes them before
     * the DONE record). Empty for an unknown experiment or one that ended before this controller started.
     */
    public List<ExperimentSeries> series(String id) {
        Tracked t = experiments.get(id);
        if (t == null) {
            return List.of();
        }
        if (!t.seriesChunks.isEmpty() || ExperimentStates.isFinal(t.record.getState()) || t.series == null) {
            return t.seriesChunks;
        }
        return chunks(id, t.series.points());
    }
}
