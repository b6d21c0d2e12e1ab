package io.memfleet.agent.core;

import io.memfleet.kernel.api.Command;
import io.memfleet.protocol.WorkloadReader;
import io.memfleet.protocol.WorkloadWriter;

/**
 * The one way events reach a node, live or replayed from its snapshot. Live, an event is checked
 * first (seq present, not a duplicate, the node not released), applied, and what it produces
 * (telemetry, the final state, dead letters) goes to the outbox; replayed, every logged event is
 * applied and its output dropped, so a restored node reaches the same state by the same steps.
 * The events applied are remembered, so a record whose events were not all applied is logged as
 * the ones that were.
 */
final class EventPath implements WorkloadReader.Sink {
    private final HostedNode node;
    private final Outbox out;
    private final boolean replay;
    private final RecordRef record;
    /** Events of the record seen so far, and which of them were not applied (null while none). */
    private int position;
    private int applied;
    private java.util.BitSet skippedAt;
    /** The seq of the record's first event, and whether the record reuses applied seqs for other content. */
    private long firstSeq;
    private boolean firstApplied;
    private boolean reused;

    /** Where a record came from, for dead letters. */
    record RecordRef(String topic, int partition, long offset, String key, byte[] value) { }

    private EventPath(HostedNode node, Outbox out, boolean replay, RecordRef record) {
        this.node = node;
        this.out = out;
        this.replay = replay;
        this.record = record;
    }

    static EventPath live(HostedNode node, Outbox out, RecordRef record) {
        return new EventPath(node, out, false, record);
    }

    static EventPath replay(HostedNode node, io.memfleet.protocol.TelemetryWriter writer) {
        return new EventPath(node, Outbox.discarding(writer), true, null);
    }

    int appliedCount() {
        return applied;
    }

    /** Events the record held, applied or not. */
    int eventCount() {
        return position;
    }

    /** The bytes to log for the record: as received when every event applied, else the applied ones. */
    byte[] logBytes() {
        if (skippedAt == null) {
            return record.value();
        }
        WorkloadWriter w = new WorkloadWriter().reset(node.id);
        try {
            WorkloadReader.read(record.value(), node.id, new WorkloadReader.Sink() {
                private int at;

                @Override
                public void command(long seq, Command c) {
                    if (!skippedAt.get(at++)) {
                        w.command(seq, c);
                    }
                }

                @Override
                public void sample(long seq, boolean dumpFiles, boolean release) {
                    if (!skippedAt.get(at++)) {
                        w.sample(seq, dumpFiles, release);
                    }
                }

                @Override
                public void telemetryInterval(long seq, long intervalNs) {
                    if (!skippedAt.get(at++)) {
                        w.telemetryInterval(seq, intervalNs);
                    }
                }

                @Override
                public void configStep(long seq, io.memfleet.protocol.RolloutStep step) {
                    if (!skippedAt.get(at++)) {
                        w.configStep(seq, step);
                    }
                }

                @Override
                public void invalid(long seq, String reason) {
                    at++;
                }
            });
        } catch (WorkloadReader.MalformedBatchException e) {
            throw new IllegalStateException("a record that decoded once no longer does", e);
        }
        return w.toByteArray();
    }

    /** The seq of the record's first event if it was applied, else 0. */
    long firstSeq() {
        return firstApplied ? firstSeq : 0;
    }

    /**
     * True if a live event may apply: it has a seq, follows the node's last one (a gap is
     * dead-lettered and holds the node until the missing events come), is not a redelivery, and
     * its node is not released. A record reusing applied seqs for other events is dead-lettered whole.
     */
    private boolean admit(long seq) {
        if (replay) {
            return true;
        }
        if (position == 1) {
            firstSeq = seq;
            reused = seq != 0 && seq <= node.lastSeq && node.recent.reusedWithOtherContent(seq, record.value());
            if (reused) {
                skip();
                out.deadLetter(record, "node " + node.id + ": the record's events reuse seqs from " + seq
                        + " that the node applied with other content; none of it is applied");
                return false;
            }
        } else if (reused) {
            skip();
            return false;
        }
        if (seq == 0) {
            reject(seq, "node " + node.id + ": events need a per-node seq (seq 0 cannot be deduplicated)");
            return false;
        }
        if (seq <= node.lastSeq) {
            out.duplicate();
            skip();
            return false;
        }
        if (node.events > 0 && seq > node.lastSeq + 1 && !node.released) {
            skip();
            out.deadLetter(record, "node " + node.id + " event seq " + seq + ": events " + (node.lastSeq + 1)
                    + (seq - 1 > node.lastSeq + 1 ? ".." + (seq - 1) : "") + " have not arrived (a node's seqs are "
                    + "contiguous); not applied, and the node waits for them");
            return false;
        }
        if (node.released) {
            reject(seq, "node " + node.id + " was released (its workload ended); event seq " + seq + " is not applied");
            return false;
        }
        if (node.events == 0 && seq != 1) {
            reject(seq, "node " + node.id + " is not hosted here and its first event is seq " + seq
                    + ", not 1: the events before it are missing, so it is not applied to an empty node");
            return false;
        }
        return true;
    }

    private void skip() {
        if (skippedAt == null) {
            skippedAt = new java.util.BitSet();
        }
        skippedAt.set(position - 1);
    }

    private void reject(long seq, String reason) {
        if (replay) {
            throw new IllegalStateException("the snapshot of " + node.id + " cannot be replayed: " + reason);
        }
        skip();
        out.deadLetter(record, reason);
        if (seq > node.lastSeq && node.events > 0) {
            node.lastSeq = seq; // dead-lettered, its seq is used: the events after it follow on
        }
    }

    private void done() {
        firstApplied |= position == 1;
        applied++;
        out.countApplied();
    }

    @Override
    public void command(long seq, Command c) {
        position++;
        if (!admit(seq)) {
            return;
        }
        if (c instanceof Command.Node && node.booted()) {
            reject(seq, "node " + node.id + " event seq " + seq + ": node shape after the node booted");
            return;
        }
        node.step(seq, c);
        done();
        sampleIfDue();
    }

    /** The node's telemetry sample, when its interval has passed. */
    private void sampleIfDue() {
        byte[] t = node.dueSample(out.writer());
        if (t != null) {
            out.telemetry(node.id, t);
        }
    }

    @Override
    public void sample(long seq, boolean dumpFiles, boolean release) {
        position++;
        if (!admit(seq)) {
            return;
        }
        node.counted(seq);
        done();
        byte[] t = node.sample(out.writer(), dumpFiles);
        if (dumpFiles && !replay) {
            byte[] files = out.writer().files(node.kernel().dump());
            byte[] result = java.util.Arrays.copyOf(t, t.length + files.length);
            System.arraycopy(files, 0, result, t.length, files.length);
            out.result(node, result);
        }
        out.telemetry(node.id, t);
        if (release) {
            node.released = true;
        }
    }

    @Override
    public void telemetryInterval(long seq, long intervalNs) {
        position++;
        if (!admit(seq)) {
            return;
        }
        node.counted(seq);
        done();
        node.setTelemetryInterval(intervalNs);
    }

    @Override
    public void configStep(long seq, io.memfleet.protocol.RolloutStep step) {
        position++;
        if (!admit(seq)) {
            return;
        }
        io.memfleet.proto.v1.ConfigOutcome o = node.applyConfig(seq, step);
        done();
        out.ack(io.memfleet.proto.v1.ConfigAck.newBuilder().setRolloutId(step.rollout()).setNodeId(node.id)
                .setWave(step.wave()).setRollback(step.rollback()).setSimTimeNs(o.getSimTimeNs())
                .addAllFiles(o.getFilesList()).setComplete(true).build());
        sampleIfDue();
    }

    @Override
    public void invalid(long seq, String reason) {
        position++;
        reject(seq, "node " + node.id + " event seq " + seq + ": " + reason);
    }
}
