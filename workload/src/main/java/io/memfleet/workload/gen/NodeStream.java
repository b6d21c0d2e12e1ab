package io.memfleet.workload.gen;

import io.memfleet.kernel.api.Command;
import io.memfleet.protocol.RolloutStep;
import io.memfleet.protocol.WorkloadWriter;
import java.util.List;
import io.memfleet.workload.spec.ExperimentSpec;

/**
 * One node's event stream as Kafka records: its workload's commands numbered from seq 1, cut
 * into records of a number of steps each, the first carrying the node's setup and its telemetry
 * clock, the last ending with a request for the node's final state and its release. The bytes
 * are a pure function of the experiment, the node's index and the record boundaries.
 */
public final class NodeStream {
    private final ExperimentSpec spec;
    private final String nodeId;
    private final int index;
    private final NodeWorkload workload;
    private final RolloutPlan rollouts;
    /** The node's settings as its rollout steps change them; null for a node no rollout touches. */
    private final NodeConfig config;
    private final WorkloadWriter writer = new WorkloadWriter();
    private long seq;
    private long step;
    private long events;
    private boolean released;

    public NodeStream(ExperimentSpec spec, String nodeId, int index) {
        this(spec, nodeId, index, new RolloutPlan(spec), NodeWorkload.Setup.of(spec));
    }

    /** A node of an experiment whose rollouts' plan and setup the caller shares between its nodes. */
    public NodeStream(ExperimentSpec spec, String nodeId, int index, RolloutPlan rollouts, NodeWorkload.Setup setup) {
        this.spec = spec;
        this.nodeId = nodeId;
        this.index = index;
        this.workload = new NodeWorkload(spec, index, setup);
        this.rollouts = rollouts;
        boolean touched = false;
        for (int r = 0; r < rollouts.rollouts().size(); r++) {
            touched |= rollouts.waveOf(r, index) > 0;
        }
        this.config = touched ? new NodeConfig(spec.cgroups()) : null;
    }

    public String nodeId() {
        return nodeId;
    }

    /** Steps generated so far. */
    public long step() {
        return step;
    }

    /** Events generated so far (every record, including the final sample). */
    public long events() {
        return events;
    }

    /** True once the node's last record (its release) is generated. */
    public boolean finished() {
        return released;
    }

    private void emit(Command c) {
        writer.command(++seq, c);
        events++;
    }

    /**
     * The record of the next {@code steps} steps (the setup before the first); the last one also
     * asks for the node's final state and releases it. Rollouts take no step here.
     */
    public byte[] nextRecord(long steps) {
        return nextRecord(steps, RolloutPlan.Verdicts.NONE);
    }

    /**
     * As above, with the rollouts' verdicts made so far: each step starts with the configuration
     * steps the plan gives the node then. The caller generates no step whose configuration depends
     * on a verdict not in {@code verdicts} ({@link RolloutPlan#barrierStep}).
     */
    public byte[] nextRecord(long steps, RolloutPlan.Verdicts verdicts) {
        writer.reset(nodeId);
        if (seq == 0) {
            workload.setup(this::emit);
            writer.telemetryInterval(++seq, spec.telemetryIntervalNs());
            events++;
        }
        long until = Math.min(spec.steps(), step + steps);
        for (; step < until; step++) {
            if (config != null) {
                for (RolloutPlan.Action a : rollouts.actionsAt(index, step, verdicts)) {
                    List<Command.Echo> writes = a.rollback() ? config.rollback(a.rollout()) : config.apply(a.rollout());
                    writer.configStep(++seq, new RolloutStep(a.rollout().name(), a.wave(), a.rollback(), writes));
                    events++;
                }
            }
            workload.step(step, this::emit);
        }
        if (step >= spec.steps()) {
            writer.sample(++seq, true, true);
            events++;
            released = true;
        }
        return writer.toByteArray();
    }

    /** Generates the next {@code steps} steps without keeping their bytes: a resumed generator catching up. */
    public void skip(long steps, RolloutPlan.Verdicts verdicts) {
        nextRecord(steps, verdicts);
    }

    /** A record that releases the node now (an experiment cancelled midway); its final state is not asked for. */
    public byte[] releaseRecord() {
        writer.reset(nodeId);
        writer.sample(++seq, false, true);
        events++;
        released = true;
        return writer.toByteArray();
    }
}
