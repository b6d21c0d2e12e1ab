package io.memfleet.agent.core;

import com.google.protobuf.UnsafeByteOperations;
import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Result;
import io.memfleet.protocol.TelemetryCodec;
import io.memfleet.protocol.TelemetryWriter;
import io.memfleet.proto.v1.ConfigOutcome;
import io.memfleet.proto.v1.FileAck;
import io.memfleet.proto.v1.NodeSnapshot;
import java.util.Map;
import java.util.TreeMap;

/**
 * One simulated node an agent hosts: its kernel, how far it is in its event stream, its telemetry
 * clock, and what it applied since its last stored snapshot record. The kernel is deterministic,
 * so the node is its last checkpoint plus the events applied after it; {@link #log} holds those
 * events as WorkloadBatch chunks until they are stored.
 */
final class HostedNode {
    final String id;
    final int partition;
    private final KernelConfig config;
    private long telemetryIntervalNs;
    private Kernel kernel;
    long lastSeq;
    long events;
    long telemetrySeq;
    long nextTelemetryNs;
    /** Events applied since the last stored record (segment or checkpoint). */
    final ByteLog log = new ByteLog();
    /** The number the next segment gets. */
    long segment;
    /** The first segment after the last checkpoint: the keys a new checkpoint retires. */
    long firstSegmentSinceCheckpoint;
    /** Event bytes stored in segments since the last checkpoint, and that checkpoint's size. */
    long bytesSinceCheckpoint;
    long lastCheckpointBytes;
    /** Configuration rollouts applied: rollout id to generation (sorted, so snapshots are stable). */
    final Map<String, Long> appliedRollouts = new TreeMap<>();
    /** The steps of its experiment's rollouts applied so far, in order: part of its final state. */
    final java.util.List<ConfigOutcome> outcomes = new java.util.ArrayList<>();
    /** The workload ended with a release; the node is dropped at the next commit. */
    boolean released;
    /** The last records applied, to tell redeliveries from reused seqs. */
    final RecentRecords recent = new RecentRecords();
    /** Something was applied since the last commit. */
    boolean dirty;
    /** The most heap this node may take (its shape is refused past it). */
    long heapBudget = Long.MAX_VALUE;
    /** About what this node holds of the agent's heap, as of its last sample, and what its agent counted of it. */
    long heapEstimate = NodeHeap.BASE_BYTES;
    long heapCounted;

    HostedNode(String id, int partition, KernelConfig config, long telemetryIntervalNs) {
        this.id = id;
        this.partition = partition;
        this.config = config;
        this.telemetryIntervalNs = telemetryIntervalNs;
        this.nextTelemetryNs = telemetryIntervalNs;
    }

    boolean booted() {
        return kernel != null;
    }

    /** The kernel, booted with the default shape if no node-shape event came first. */
    Kernel kernel() {
        if (kernel == null) {
            kernel = Kernel.boot(Command.Node.DEFAULT, config);
        }
        return kernel;
    }

    /**
     * Applies one logged event (a workload command or a configuration write): the kernel runs it
     * and the node counts it. A node shape boots the node (null result); a second one is refused
     * by the caller before it gets here.
     */
    Result step(long seq, Command c) {
        Result r;
        if (c instanceof Command.Node shape) {
            NodeHeap.admit(shape, heapBudget);
            kernel = Kernel.boot(shape, shape.config(config));
            r = null;
        } else {
            r = apply(c);
        }
        counted(seq);
        return r;
    }

    /** The kernel runs one command; a model BUG stops the node (the core quarantines it). */
    private Result apply(Command c) {
        Result r = kernel().apply(c);
        if (kernel.bug() != null) {
            throw new IllegalStateException("the kernel model hit a BUG: " + kernel.bug());
        }
        return r;
    }

    /**
     * Applies one step of an experiment's rollout, one event whatever its number of writes: each
     * write as the kernel takes it (a refused one answers its errno and the next is still made).
     */
    ConfigOutcome applyConfig(long seq, io.memfleet.protocol.RolloutStep step) {
        ConfigOutcome.Builder o = ConfigOutcome.newBuilder().setRollout(step.rollout()).setWave(step.wave())
                .setRollback(step.rollback()).setSimTimeNs(kernel().nowNs());
        for (Command.Echo w : step.writes()) {
            Result r = apply(w);
            o.addFiles(FileAck.newBuilder().setPath(w.path()).setValue(w.value()).setErrno(r.errno().name()));
        }
        counted(seq);
        ConfigOutcome done = o.build();
        outcomes.add(done);
        return done;
    }

    /** Counts an applied event (a command or a sample request). */
    void counted(long seq) {
        events++;
        dirty = true;
        if (seq > lastSeq) {
            lastSeq = seq;
        }
    }

    /** A sample when the node's telemetry interval has passed since the last one, else null. */
    byte[] dueSample(TelemetryWriter w) {
        return kernel != null && telemetryDue() ? sample(w, false) : null;
    }

    private boolean telemetryDue() {
        long now = kernel.nowNs();
        if (now < nextTelemetryNs) {
            return false;
        }
        nextTelemetryNs = (now / telemetryIntervalNs + 1) * telemetryIntervalNs;
        return true;
    }

    /** A telemetry sample now, as NodeTelemetry bytes; it carries the kernel events since the last one. */
    byte[] sample(TelemetryWriter w, boolean filesPublished) {
        Kernel k = kernel();
        io.memfleet.kernel.image.NodeImage image = k.image();
        heapEstimate = NodeHeap.estimate(image);
        boolean first = telemetrySeq == 0;
        byte[] t = w.write(id, new TelemetryCodec.Progress(telemetrySeq++, events, lastSeq), image, k.drainEvents(),
                filesPublished);
        if (first && heapBudget != Long.MAX_VALUE) { // the controller learns what its agents can hold
            t = appended(t, io.memfleet.proto.v1.NodeTelemetry.newBuilder().setNodeHeapBudget(heapBudget).build());
        }
        if (!filesPublished || outcomes.isEmpty()) {
            return t;
        }
        // the final sample carries the rollout steps the node applied (a repeated field: appending its bytes adds it)
        return appended(t, io.memfleet.proto.v1.NodeTelemetry.newBuilder().addAllConfigOutcomes(outcomes).build());
    }

    /** A sample with more fields: a message's bytes followed by another's parse as one message with both. */
    private static byte[] appended(byte[] sample, io.memfleet.proto.v1.NodeTelemetry more) {
        byte[] extra = more.toByteArray();
        byte[] both = java.util.Arrays.copyOf(sample, sample.length + extra.length);
        System.arraycopy(extra, 0, both, sample.length, extra.length);
        return both;
    }


    /** The node's last telemetry: where it was, and why it was quarantined. */
    byte[] failedSample(String why) {
        return io.memfleet.proto.v1.NodeTelemetry.newBuilder().setNodeId(id).setSeq(telemetrySeq++)
                .setSimTimeNs(kernel == null ? 0 : kernel.nowNs()).setEventsApplied(events).setLastSeq(lastSeq)
                .setFailure(why).build().toByteArray();
    }

    /** The state fields every snapshot record carries: where the node is after the record. */
    NodeSnapshot.Builder state() {
        return NodeSnapshot.newBuilder().setNodeId(id).setLastSeq(lastSeq).setKernelOptions(config.spec())
                .setEvents(events).setTelemetrySeq(telemetrySeq).setNextTelemetryNs(nextTelemetryNs)
                .setTelemetryIntervalNs(telemetryIntervalNs)
                .putAllAppliedRollouts(appliedRollouts).addAllConfigOutcomes(outcomes);
    }

    /** The next segment: the events applied since the previous record. */
    NodeSnapshot segmentRecord() {
        return state().setSegment(segment).setEventLog(UnsafeByteOperations.unsafeWrap(log.toByteArray())).build();
    }

    /** A checkpoint: the kernel's whole state, covering every segment before {@link #segment}. */
    NodeSnapshot checkpointRecord() {
        return state().setSegment(segment).setKernelCheckpoint(UnsafeByteOperations.unsafeWrap(kernel().checkpoint())).build();
    }

    void restoreState(NodeSnapshot s) {
        lastSeq = s.getLastSeq();
        events = s.getEvents();
        telemetrySeq = s.getTelemetrySeq();
        nextTelemetryNs = s.getNextTelemetryNs();
        if (s.getTelemetryIntervalNs() > 0) {
            telemetryIntervalNs = s.getTelemetryIntervalNs();
        }
        appliedRollouts.clear();
        appliedRollouts.putAll(s.getAppliedRolloutsMap());
        outcomes.clear();
        outcomes.addAll(s.getConfigOutcomesList());
    }

    /** Restores the kernel of a checkpoint. */
    void restoreKernel(byte[] checkpoint) {
        kernel = Kernel.restore(checkpoint);
    }

    long telemetryIntervalNs() {
        return telemetryIntervalNs;
    }

    /** The node's telemetry clock from now: the next sample at the next multiple of the interval. */
    void setTelemetryInterval(long intervalNs) {
        telemetryIntervalNs = intervalNs;
        long now = kernel == null ? 0 : kernel.nowNs();
        nextTelemetryNs = (now / intervalNs + 1) * intervalNs;
    }
}
