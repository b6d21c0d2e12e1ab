package io.memfleet.workload.gen;

import io.memfleet.kernel.api.Command;
import io.memfleet.protocol.WorkloadWriter;
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
    private final NodeWorkload workload;
    private final WorkloadWriter writer = new WorkloadWriter();
    private long seq;
    private long step;
    private long events;
    private boolean released;

    public NodeStream(ExperimentSpec spec, String nodeId, int index) {
        this.spec = spec;
        this.nodeId = nodeId;
        this.workload = new NodeWorkload(spec, index);
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
     * asks for the node's final state and releases it.
     */
    public byte[] nextRecord(long steps) {
        writer.reset(nodeId);
        if (seq == 0) {
            workload.setup(this::emit);
            writer.telemetryInterval(++seq, spec.telemetryIntervalNs());
            events++;
        }
        long until = Math.min(spec.steps(), step + steps);
        for (; step < until; step++) {
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
    public void skip(long steps) {
        nextRecord(steps);
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
