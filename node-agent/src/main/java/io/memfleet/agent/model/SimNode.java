package io.memfleet.agent.model;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Command;
import io.memfleet.proto.v1.Echo;
import io.memfleet.proto.v1.FileAck;
import io.memfleet.proto.v1.Mkdir;
import io.memfleet.proto.v1.NodeSnapshot;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.WorkloadBatch;
import io.memfleet.proto.v1.WorkloadEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One hosted node: its kernel, the highest workload seq applied, and the log of everything applied
 * (workload events, samples, configuration writes). The kernel is deterministic, so the log is the
 * node's whole state: a snapshot carries it and a restore replays it, telemetry timing included.
 */
public final class SimNode {
    private final String nodeId;
    private final KernelConfig config;
    private final long telemetryIntervalNs;
    private Kernel kernel;
    private long lastSeq;
    /**
     * Events applied since the last snapshot segment, as WorkloadBatch chunks (a record's bytes as
     * received when all of it applied). Older events live only in published segments.
     */
    private ByteLog log = new ByteLog();
    private long segment;
    private long events;
    private long telemetrySeq;
    private long nextTelemetryNs;
    private long duplicates;

    public SimNode(String nodeId, KernelConfig config, long telemetryIntervalNs) {
        this.nodeId = nodeId;
        this.config = config;
        this.telemetryIntervalNs = telemetryIntervalNs;
        this.nextTelemetryNs = telemetryIntervalNs;
    }

    public String nodeId() {
        return nodeId;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public long events() {
        return events;
    }

    public long duplicates() {
        return duplicates;
    }

    /** The kernel, booted with the default shape if no node-shape event came first. */
    public Kernel kernel() {
        if (kernel == null) {
            kernel = Kernel.boot(Command.Node.DEFAULT, config);
        }
        return kernel;
    }

    /**
     * Applies one workload event unless its seq was already applied. Telemetry due at the node's
     * simulated interval (or asked for by a sample event) goes to {@code telemetry}.
     *
     * @return false for a duplicate (seq at or below the last applied)
     */
    public boolean apply(WorkloadEvent e, Consumer<NodeTelemetry> telemetry) throws BadEventException {
        if (e.getSeq() != 0 && e.getSeq() <= lastSeq) {
            duplicates++;
            return false;
        }
        execute(e, telemetry);
        log(WorkloadBatch.newBuilder().addEvents(e).build().toByteArray(), 1);
        lastSeq = Math.max(lastSeq, e.getSeq());
        return true;
    }

    /** What happened to a batch: events applied, duplicates skipped, and the bad ones with reasons. */
    public record BatchResult(int applied, int duplicates, List<String> rejected) { }

    /**
     * Applies a record's decoded events (all for this node) in order. When every event applies, the
     * record's bytes are logged as they are; otherwise the applied events are logged as a new batch.
     */
    public BatchResult applyBatch(List<DecodedEvent> batch, byte[] raw, Consumer<NodeTelemetry> telemetry) {
        int applied = 0;
        int dups = 0;
        List<String> rejected = null;
        WorkloadBatch.Builder kept = null;
        for (int i = 0; i < batch.size(); i++) {
            DecodedEvent e = batch.get(i);
            boolean ok = false;
            if (e.seq() != 0 && e.seq() <= lastSeq) {
                duplicates++;
                dups++;
            } else {
                try {
                    if (e.error() != null) {
                        throw new BadEventException(e.error());
                    }
                    execute(e.command(), e.dumpFiles(), telemetry);
                    lastSeq = Math.max(lastSeq, e.seq());
                    applied++;
                    ok = true;
                } catch (BadEventException ex) {
                    if (rejected == null) {
                        rejected = new ArrayList<>();
                    }
                    rejected.add("event seq " + e.seq() + ": " + ex.getMessage());
                }
            }
            if (!ok && kept == null) {
                kept = WorkloadBatch.newBuilder();
                for (DecodedEvent prev : batch.subList(0, i)) {
                    kept.addEvents(toProto(prev));
                }
            } else if (ok && kept != null) {
                kept.addEvents(toProto(e));
            }
        }
        if (kept == null && raw != null) {
            log(raw, applied);
        } else if (kept == null) {
            WorkloadBatch.Builder all = WorkloadBatch.newBuilder();
            batch.forEach(e -> all.addEvents(toProto(e)));
            log(all.build().toByteArray(), applied);
        } else if (kept.getEventsCount() > 0) {
            log(kept.build().toByteArray(), applied);
        }
        return new BatchResult(applied, dups, rejected == null ? List.of() : rejected);
    }

    private WorkloadEvent toProto(DecodedEvent e) {
        return e.isSample() ? WorkloadEvent.newBuilder().setSeq(e.seq())
                .setSample(io.memfleet.proto.v1.Sample.newBuilder().setDumpFiles(e.dumpFiles())).build()
                : EventMapper.toProto("", e.seq(), e.command());
    }

    private void execute(WorkloadEvent e, Consumer<NodeTelemetry> telemetry) throws BadEventException {
        boolean sample = e.getCommandCase() == WorkloadEvent.CommandCase.SAMPLE;
        execute(sample ? null : EventMapper.toCommand(e), sample && e.getSample().getDumpFiles(), telemetry);
    }

    /** Runs one command, or takes a sample (with file dumps if asked) when {@code c} is null. */
    private void execute(Command c, boolean dumpFiles, Consumer<NodeTelemetry> telemetry) throws BadEventException {
        if (c == null) {
            NodeTelemetry t = sample();
            telemetry.accept(dumpFiles ? t.toBuilder().addAllFiles(FileDumper.dump(kernel().image())).build() : t);
            return;
        }
        if (c instanceof Command.Node shape) {
            if (kernel != null) {
                throw new BadEventException("node shape after the node booted");
            }
            kernel = Kernel.boot(shape, config);
            return;
        }
        kernel().apply(c);
        if (kernel.nowNs() >= nextTelemetryNs) {
            nextTelemetryNs = (kernel.nowNs() / telemetryIntervalNs + 1) * telemetryIntervalNs;
            telemetry.accept(sample());
        }
    }

    private void log(byte[] batchBytes, int count) {
        log.append(batchBytes);
        events += count;
    }

    /** A telemetry sample of the node now; it carries the kernel events since the last sample. */
    public NodeTelemetry sample() {
        Kernel k = kernel();
        return TelemetryBuilder.sample(nodeId, telemetrySeq++, k.image(), k.drainEvents());
    }

    /** Applies configuration writes in order; each is logged like a workload event and acked with its errno. */
    public List<FileAck> applyConfig(List<ConfigReconciler.Write> plan) {
        List<FileAck> acks = new ArrayList<>(plan.size());
        for (ConfigReconciler.Write w : plan) {
            WorkloadEvent.Builder e = WorkloadEvent.newBuilder().setNodeId(nodeId);
            if (w.file() == null) {
                e.setMkdir(Mkdir.newBuilder().setPath(w.path()));
            } else {
                e.setEcho(Echo.newBuilder().setValue(w.value()).setPath(w.target()));
            }
            WorkloadEvent ev = e.build();
            String errno;
            try {
                Command c = EventMapper.toCommand(ev);
                errno = kernel().apply(c).errno().name();
                log(WorkloadBatch.newBuilder().addEvents(ev).build().toByteArray(), 1);
            } catch (BadEventException ex) {
                errno = "EINVAL";
            }
            acks.add(FileAck.newBuilder().setPath(w.target()).setValue(w.value()).setErrno(errno).build());
        }
        return acks;
    }

    /**
     * The next snapshot segment: the events applied since the previous one, and the state after
     * them. It becomes the previous one only when {@link #segmentStored()} says it was stored.
     */
    public NodeSnapshot snapshot() {
        return NodeSnapshot.newBuilder().setNodeId(nodeId).setSegment(segment).setLastSeq(lastSeq)
                .setKernelOptions(config.spec()).setEventLog(ByteString.copyFrom(log.toByteArray())).setEvents(events)
                .setTelemetrySeq(telemetrySeq).setNextTelemetryNs(nextTelemetryNs).build();
    }

    /** The last {@link #snapshot()} is stored: start the next segment. */
    public void segmentStored() {
        segment++;
        log = new ByteLog();
    }

    /** The key of a snapshot segment: node id, '/', zero-padded segment number. */
    public static String segmentKey(NodeSnapshot s) {
        return String.format("%s/%012d", s.getNodeId(), s.getSegment());
    }

    public static SimNode restore(NodeSnapshot s, long telemetryIntervalNs) {
        return restore(List.of(s), telemetryIntervalNs);
    }

    /**
     * Rebuilds a node by replaying its snapshot segments 0..N in order; telemetry produced during
     * the replay is dropped, and the result is checked against the last segment's state.
     */
    public static SimNode restore(List<NodeSnapshot> segments, long telemetryIntervalNs) {
        NodeSnapshot last = segments.get(segments.size() - 1);
        SimNode n = new SimNode(last.getNodeId(), KernelConfig.parse(last.getKernelOptions()), telemetryIntervalNs);
        for (int i = 0; i < segments.size(); i++) {
            NodeSnapshot s = segments.get(i);
            if (s.getSegment() != i) {
                throw new IllegalStateException("snapshot of " + s.getNodeId() + " misses segment " + i);
            }
            ByteLog.forEach(s.getEventLog().toByteArray(), chunk -> n.replay(chunk, s.getNodeId()));
        }
        n.log = new ByteLog();
        n.segment = segments.size();
        n.lastSeq = last.getLastSeq();
        if (n.telemetrySeq != last.getTelemetrySeq() || n.nextTelemetryNs != last.getNextTelemetryNs()
                || n.events != last.getEvents()) {
            throw new IllegalStateException("replay of " + last.getNodeId() + " diverged from its snapshot");
        }
        return n;
    }

    private void replay(byte[] chunk, String id) {
        List<DecodedEvent> batch = new ArrayList<>();
        try {
            WireDecoder.decodeBatch(chunk, (node, seq, cmd, err, dump) -> batch.add(new DecodedEvent(node, seq, cmd, err, dump)));
            for (DecodedEvent e : batch) {
                if (e.error() != null) {
                    throw new BadEventException(e.error());
                }
                execute(e.command(), e.dumpFiles(), t -> { });
            }
        } catch (InvalidProtocolBufferException | BadEventException ex) {
            throw new IllegalStateException("snapshot of " + id + " cannot be replayed: " + ex.getMessage());
        }
        log(chunk, batch.size());
    }

    /** Bytes applied since the last snapshot segment. */
    public int logBytes() {
        return log.size();
    }
}
