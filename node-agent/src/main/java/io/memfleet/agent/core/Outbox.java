package io.memfleet.agent.core;

import com.google.protobuf.ByteString;
import io.memfleet.protocol.TelemetryWriter;
import io.memfleet.proto.v1.ConfigAck;
import io.memfleet.proto.v1.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the agent core decided while handling one input: the records to send, lines for the log,
 * and counts of what happened. The Kafka adapter sends and prints; the core never does I/O.
 */
public final class Outbox {
    private final boolean discard;
    private final TelemetryWriter writer;
    private final List<Send> sends = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    long applied;
    long duplicates;
    long deadLettered;
    long telemetry;

    Outbox(TelemetryWriter writer) {
        this(writer, false);
    }

    private Outbox(TelemetryWriter writer, boolean discard) {
        this.writer = writer;
        this.discard = discard;
    }

    /** An outbox for replays: everything is dropped. */
    static Outbox discarding(TelemetryWriter writer) {
        return new Outbox(writer, true);
    }

    public List<Send> sends() {
        return sends;
    }

    /** Lines for the agent's log (dead letters and restore problems, with where they came from). */
    public List<String> log() {
        return log;
    }

    public long eventsApplied() {
        return applied;
    }

    public long duplicates() {
        return duplicates;
    }

    public long deadLettered() {
        return deadLettered;
    }

    void countApplied() {
        if (!discard) {
            applied++;
        }
    }

    void duplicate() {
        if (!discard) {
            duplicates++;
        }
    }

    void telemetry(String nodeId, byte[] sample) {
        if (!discard) {
            telemetry++;
            sends.add(new Send(Send.Channel.TELEMETRY, -1, nodeId, sample));
        }
    }

    /** The telemetry encoder node samples are written with (the core's: one thread uses it). */
    TelemetryWriter writer() {
        return writer;
    }

    void result(HostedNode node, byte[] finalState) {
        if (!discard) {
            sends.add(new Send(Send.Channel.RESULTS, -1, node.id, finalState));
        }
    }

    void ack(ConfigAck ack) {
        if (!discard) {
            sends.add(new Send(Send.Channel.ACKS, -1, ack.getNodeId(), ack.toByteArray()));
        }
    }

    void snapshot(Send s) {
        sends.add(s);
    }

    void note(String line) {
        if (!discard) {
            log.add(line);
        }
    }

    void deadLetter(EventPath.RecordRef r, String reason) {
        if (discard) {
            return;
        }
        deadLettered++;
        log.add("dead-lettered " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + reason);
        DeadLetter.Builder d = DeadLetter.newBuilder().setSourceTopic(r.topic()).setPartition(r.partition())
                .setOffset(r.offset()).setReason(reason);
        if (r.key() != null) {
            d.setKey(ByteString.copyFrom(r.key(), StandardCharsets.UTF_8));
        }
        if (r.value() != null) {
            d.setValue(ByteString.copyFrom(r.value()));
        }
        sends.add(new Send(Send.Channel.DEAD_LETTER, -1, r.key(), d.build().toByteArray()));
    }
}
