package io.memfleet.workload.gen;

import io.memfleet.common.kafka.Partitions;
import io.memfleet.protocol.NodeIds;
import io.memfleet.proto.v1.GenerationProgress;
import io.memfleet.workload.spec.ExperimentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Generating one experiment's nodes in one workload partition: the nodes whose ids hash there,
 * published a round of steps at a time, and the progress record that lets another generator
 * resume after the last acknowledged round. Rounds are cut over worker threads by node; each
 * node's bytes depend on nothing but the experiment and the node, whatever the thread count.
 */
public final class PartitionJob {
    /** One record to publish: the node id (the key) and the batch. */
    public record NodeRecord(String nodeId, byte[] value) { }

    private final String experimentId;
    private final ExperimentSpec spec;
    private final int partition;
    private final List<NodeStream> nodes = new ArrayList<>();
    private final RolloutPlan rollouts;
    private RolloutPlan.Verdicts verdicts;
    private long stepsDone;
    private long events;
    private boolean finished;
    /** Steps the next round takes when sparse rounds have stretched it (0: the caller's minimum). */
    private long stretch;
    /** Events a round should carry per node: fewer, and the next round takes twice the steps. */
    static final long EVENTS_PER_NODE_ROUND = 64;
    /** At most this many steps in one round, however sparse. */
    static final long MAX_ROUND_STEPS = 1 << 16;

    /**
     * The nodes of the experiment in {@code partition}; with {@code resume}, they are brought to
     * where its progress record says the last acknowledged round ended.
     */
    public PartitionJob(String experimentId, ExperimentSpec spec, int partition, int partitions,
                        GenerationProgress resume) {
        this(experimentId, spec, partition, partitions, resume, RolloutPlan.Verdicts.NONE);
    }

    /** As above, with the rollouts' verdicts made so far (a resumed job regenerates past some of them). */
    public PartitionJob(String experimentId, ExperimentSpec spec, int partition, int partitions,
                        GenerationProgress resume, RolloutPlan.Verdicts verdicts) {
        this.experimentId = experimentId;
        this.spec = spec;
        this.partition = partition;
        this.rollouts = new RolloutPlan(spec);
        this.verdicts = verdicts;
        NodeWorkload.Setup setup = NodeWorkload.Setup.of(spec);
        for (int i = 0; i < spec.nodes(); i++) {
            String id = NodeIds.nodeId(experimentId, i);
            if (Partitions.of(id, partitions) == partition) {
                nodes.add(new NodeStream(spec, id, i, rollouts, setup));
            }
        }
        if (resume != null && resume.getStepsDone() > 0) {
            for (NodeStream n : nodes) {
                n.skip(resume.getStepsDone(), verdicts);
            }
            stepsDone = resume.getStepsDone();
            events = resume.getEventsPublished();
            stretch = resume.getNextRoundSteps(); // the same records as the generator before would have cut
        }
        finished = resume != null && resume.getDone();
    }

    public String experimentId() {
        return experimentId;
    }

    public int partition() {
        return partition;
    }

    public int nodes() {
        return nodes.size();
    }

    public long stepsDone() {
        return stepsDone;
    }

    public boolean finished() {
        return finished;
    }

    /** The rollouts' verdicts as the experiment's latest record has them. */
    public void verdicts(RolloutPlan.Verdicts v) {
        verdicts = v;
    }

    /** True while the next round waits for a rollout's verdict (the nodes have reached its decision time). */
    public boolean blocked() {
        return !finished && stepsDone >= rollouts.barrierStep(verdicts) && stepsDone < spec.steps();
    }

    /** The simulated time the published rounds reach. */
    public long simTimeNs() {
        return stepsDone * spec.stepNs();
    }

    /**
     * The next round: {@code steps} steps of every node (the setup with the first, the final state
     * and release with the last), generated on {@code workers}, in node order.
     */
    public List<NodeRecord> nextRound(long steps, ExecutorService workers, int parallelism)
            throws InterruptedException {
        List<NodeRecord> out = new ArrayList<>(nodes.size());
        if (finished || blocked()) {
            return out;
        }
        long round = Math.min(Math.max(steps, stretch), rollouts.barrierStep(verdicts) - stepsDone); // none awaiting a verdict
        long eventsBefore = events;
        RolloutPlan.Verdicts v = verdicts;
        int chunks = Math.max(1, Math.min(parallelism, nodes.size() / 64));
        if (chunks == 1) {
            for (NodeStream n : nodes) {
                out.add(new NodeRecord(n.nodeId(), n.nextRecord(round, v)));
            }
        } else {
            List<Future<List<NodeRecord>>> parts = new ArrayList<>();
            int per = (nodes.size() + chunks - 1) / chunks;
            for (int c = 0; c < chunks; c++) {
                List<NodeStream> slice = nodes.subList(Math.min(nodes.size(), c * per), Math.min(nodes.size(), (c + 1) * per));
                parts.add(workers.submit(() -> {
                    List<NodeRecord> l = new ArrayList<>(slice.size());
                    for (NodeStream n : slice) {
                        l.add(new NodeRecord(n.nodeId(), n.nextRecord(round, v)));
                    }
                    return l;
                }));
            }
            for (Future<List<NodeRecord>> f : parts) {
                try {
                    out.addAll(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("generating a round failed: " + e.getCause(), e.getCause());
                }
            }
        }
        stepsDone = Math.min(spec.steps(), stepsDone + round);
        events = 0;
        for (NodeStream n : nodes) {
            events += n.events();
        }
        finished = nodes.stream().allMatch(NodeStream::finished);
        stretch = nextStretch(steps, round, events - eventsBefore);
        return out;
    }

    /**
     * The steps of the next round after one of {@code round} steps that carried {@code roundEvents}:
     * twice as many while rounds carry fewer than {@link #EVENTS_PER_NODE_ROUND} events a node (days
     * of idle nodes cost rounds in proportion to their events, not to their steps), back to
     * {@code minSteps} once they carry four times that; never for a paced experiment (speed), whose
     * rounds must not run ahead of its pace. Records' boundaries change no node's events.
     */
    private long nextStretch(long minSteps, long round, long roundEvents) {
        if (spec.speed() > 0) {
            return minSteps; // a paced experiment publishes as its pace allows, a round at a time
        }
        long perNode = nodes.isEmpty() ? 0 : roundEvents / nodes.size();
        if (perNode < EVENTS_PER_NODE_ROUND && round >= Math.max(minSteps, stretch)) {
            return Math.min(MAX_ROUND_STEPS, Math.max(minSteps, round) * 2);
        }
        return perNode > 4 * EVENTS_PER_NODE_ROUND ? minSteps : Math.max(minSteps, round);
    }

    /** Releases every node not released yet (the experiment was cancelled). */
    public List<NodeRecord> cancel() {
        List<NodeRecord> out = new ArrayList<>();
        if (!finished) {
            for (NodeStream n : nodes) {
                if (!n.finished()) {
                    out.add(new NodeRecord(n.nodeId(), n.releaseRecord()));
                }
            }
        }
        finished = true;
        return out;
    }

    /** What is published and acknowledged: the record another generator resumes from. */
    public GenerationProgress progress() {
        return GenerationProgress.newBuilder().setExperimentId(experimentId).setPartition(partition)
                .setStepsDone(stepsDone).setEventsPublished(events).setNodes(nodes.size()).setDone(finished)
                .setNextRoundSteps(stretch).build();
    }
}
