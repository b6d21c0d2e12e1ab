package io.memfleet.agent.model;

import com.google.protobuf.ByteString;
import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.KernelConfig;
import io.memfleet.kernel.script.Command;
import io.memfleet.proto.v1.Echo;
import io.memfleet.proto.v1.FileAck;
import io.memfleet.proto.v1.Mkdir;
import io.memfleet.proto.v1.NodeSnapshot;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.WorkloadEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
    private final ByteArrayOutputStream log = new ByteArrayOutputStream(256);
    private long events;
    private long telemetrySeq;
    private long nextTelemetryNs;
    private long duplicates;
    private final StringBuilder scratch = new StringBuilder();

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
        log(e);
        lastSeq = Math.max(lastSeq, e.getSeq());
        return true;
    }

    private void execute(WorkloadEvent e, Consumer<NodeTelemetry> telemetry) throws BadEventException {
        if (e.getCommandCase() == WorkloadEvent.CommandCase.SAMPLE) {
            telemetry.accept(sample());
            return;
        }
        Command c = EventMapper.toCommand(e);
        if (c instanceof Command.Node shape) {
            if (kernel != null) {
                throw new BadEventException("node shape after the node booted");
            }
            kernel = Kernel.boot(shape, config);
            return;
        }
        kernel().execute(c, scratch);
        scratch.setLength(0);
        if (kernel.nowNs() >= nextTelemetryNs) {
            nextTelemetryNs = (kernel.nowNs() / telemetryIntervalNs + 1) * telemetryIntervalNs;
            telemetry.accept(sample());
        }
    }

    private void log(WorkloadEvent e) {
        try {
            e.writeDelimitedTo(log);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        events++;
    }

    /** A telemetry sample of the node now; it carries the kernel events since the last sample. */
    public NodeTelemetry sample() {
        Kernel k = kernel();
        return TelemetryBuilder.sample(nodeId, telemetrySeq++, k, k.drainEvents());
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
                kernel().execute(c, scratch);
                String out = scratch.toString();
                scratch.setLength(0);
                errno = out.startsWith("error: ") ? out.substring(7).strip() : "OK";
                log(ev);
            } catch (BadEventException ex) {
                errno = "EINVAL";
            }
            acks.add(FileAck.newBuilder().setPath(w.target()).setValue(w.value()).setErrno(errno).build());
        }
        return acks;
    }

    public NodeSnapshot snapshot() {
        return NodeSnapshot.newBuilder().setNodeId(nodeId).setLastSeq(lastSeq).setKernelOptions(config.spec())
                .setEventLog(ByteString.copyFrom(log.toByteArray())).setEvents(events)
                .setTelemetrySeq(telemetrySeq).setNextTelemetryNs(nextTelemetryNs).build();
    }

    /** Rebuilds a node by replaying its snapshot's log; telemetry produced during the replay is dropped. */
    public static SimNode restore(NodeSnapshot s, long telemetryIntervalNs) {
        SimNode n = new SimNode(s.getNodeId(), KernelConfig.parse(s.getKernelOptions()), telemetryIntervalNs);
        try (InputStream in = new ByteArrayInputStream(s.getEventLog().toByteArray())) {
            WorkloadEvent e;
            while ((e = WorkloadEvent.parseDelimitedFrom(in)) != null) {
                try {
                    n.execute(e, t -> { });
                } catch (BadEventException ex) {
                    throw new IllegalStateException("snapshot of " + s.getNodeId() + " holds a bad event: " + ex.getMessage());
                }
                n.log(e);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        n.lastSeq = s.getLastSeq();
        if (n.telemetrySeq != s.getTelemetrySeq() || n.nextTelemetryNs != s.getNextTelemetryNs()) {
            throw new IllegalStateException("replay of " + s.getNodeId() + " diverged from its snapshot");
        }
        return n;
    }

    /** Bytes of the applied-event log (the snapshot's size). */
    public int logBytes() {
        return log.size();
    }
}
