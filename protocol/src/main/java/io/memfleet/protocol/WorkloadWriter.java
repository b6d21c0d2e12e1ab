package io.memfleet.protocol;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.script.ScriptParser;
import io.memfleet.proto.v1.Cat;
import io.memfleet.proto.v1.ConfigStep;
import io.memfleet.proto.v1.Dentry;
import io.memfleet.proto.v1.Echo;
import io.memfleet.proto.v1.Exit;
import io.memfleet.proto.v1.Kill;
import io.memfleet.proto.v1.Kmalloc;
import io.memfleet.proto.v1.Mem;
import io.memfleet.proto.v1.Mkdir;
import io.memfleet.proto.v1.NodeShape;
import io.memfleet.proto.v1.Print;
import io.memfleet.proto.v1.Rmdir;
import io.memfleet.proto.v1.Sample;
import io.memfleet.proto.v1.Spawn;
import io.memfleet.proto.v1.TelemetryInterval;
import io.memfleet.proto.v1.Tick;
import io.memfleet.proto.v1.WorkloadBatch;
import io.memfleet.proto.v1.WorkloadEvent;

/**
 * Writes one node's events as WorkloadBatch bytes (workload.proto) straight from typed commands,
 * without building protobuf messages: the generators' hot path. Field numbers are the generated
 * classes' constants, and {@code WorkloadCodecTest} checks the bytes against the generated parser.
 * Reusable: {@link #reset} starts the next batch with the same buffers.
 */
public final class WorkloadWriter {
    private final ProtoWriter out = new ProtoWriter();
    private int events;

    /**
     * A batch of script lines (SIM-SCRIPT.md) for one node, numbered from {@code firstSeq}: a test
     * and tooling shorthand. A {@code node} line must come first if there is one.
     */
    public static byte[] script(String nodeId, long firstSeq, String... lines) {
        WorkloadWriter w = new WorkloadWriter().reset(nodeId);
        long seq = firstSeq;
        int lineNo = 0;
        for (String l : lines) {
            Command c = ScriptParser.parse(l, ++lineNo, l.strip().startsWith("node"));
            if (c != null) {
                w.command(seq++, c);
            }
        }
        return w.toByteArray();
    }

    /** Starts a batch for {@code nodeId} (written once, as the batch's node id). */
    public WorkloadWriter reset(String nodeId) {
        events = 0;
        out.reset().string(WorkloadBatch.NODE_ID_FIELD_NUMBER, nodeId);
        return this;
    }

    public int events() {
        return events;
    }

    public int size() {
        return out.size();
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    /** Appends one command as an event with {@code seq}. */
    public WorkloadWriter command(long seq, Command c) {
        out.begin(WorkloadBatch.EVENTS_FIELD_NUMBER).uint64(WorkloadEvent.SEQ_FIELD_NUMBER, seq);
        writeCommand(c, out);
        out.end();
        events++;
        return this;
    }

    /** Appends a sample request: telemetry now, the node's files if asked, its release if last. */
    public WorkloadWriter sample(long seq, boolean dumpFiles, boolean release) {
        out.begin(WorkloadBatch.EVENTS_FIELD_NUMBER).uint64(WorkloadEvent.SEQ_FIELD_NUMBER, seq)
                .begin(WorkloadEvent.SAMPLE_FIELD_NUMBER)
                .bool(Sample.DUMP_FILES_FIELD_NUMBER, dumpFiles).bool(Sample.RELEASE_FIELD_NUMBER, release)
                .end().end();
        events++;
        return this;
    }

    /** Appends a telemetry clock setting: a sample every {@code intervalNs} of simulated time from now on. */
    public WorkloadWriter telemetryInterval(long seq, long intervalNs) {
        out.begin(WorkloadBatch.EVENTS_FIELD_NUMBER).uint64(WorkloadEvent.SEQ_FIELD_NUMBER, seq)
                .begin(WorkloadEvent.TELEMETRY_INTERVAL_FIELD_NUMBER)
                .uint64(TelemetryInterval.INTERVAL_NS_FIELD_NUMBER, intervalNs)
                .end().end();
        events++;
        return this;
    }

    /** Appends one step of an experiment's rollout: its writes, applied and acked between workload steps. */
    public WorkloadWriter configStep(long seq, RolloutStep step) {
        out.begin(WorkloadBatch.EVENTS_FIELD_NUMBER).uint64(WorkloadEvent.SEQ_FIELD_NUMBER, seq)
                .begin(WorkloadEvent.CONFIG_STEP_FIELD_NUMBER)
                .string(ConfigStep.ROLLOUT_FIELD_NUMBER, step.rollout()).uint64(ConfigStep.WAVE_FIELD_NUMBER, step.wave())
                .bool(ConfigStep.ROLLBACK_FIELD_NUMBER, step.rollback());
        for (Command.Echo e : step.writes()) {
            out.begin(ConfigStep.WRITES_FIELD_NUMBER).string(Echo.VALUE_FIELD_NUMBER, e.value())
                    .string(Echo.PATH_FIELD_NUMBER, e.path()).end();
        }
        out.end().end();
        events++;
        return this;
    }

    /** Writes the command as its field of WorkloadEvent's command oneof. */
    private static void writeCommand(Command c, ProtoWriter b) {
        if (c instanceof Command.Mem m) {
            b.begin(WorkloadEvent.MEM_FIELD_NUMBER).uint64(Mem.KIND_FIELD_NUMBER, switch (m.kind()) {
                case ANON -> Mem.Kind.ANON_VALUE;
                case MLOCK -> Mem.Kind.MLOCK_VALUE;
                case FILE -> Mem.Kind.FILE_VALUE;
                case TCP -> Mem.Kind.TCP_VALUE;
                case MMAP -> Mem.Kind.MMAP_VALUE;
                case SHM -> Mem.Kind.SHM_VALUE;
            }).uint64(Mem.PID_FIELD_NUMBER, m.pid()).sint64(Mem.BYTES_FIELD_NUMBER, m.bytes());
        } else if (c instanceof Command.Kmalloc k) {
            b.begin(WorkloadEvent.KMALLOC_FIELD_NUMBER)
                    .uint64(Kmalloc.PID_FIELD_NUMBER, k.pid() == Command.Kmalloc.IRQ ? 0 : k.pid())
                    .uint64(Kmalloc.SIZE_FIELD_NUMBER, k.size()).sint64(Kmalloc.COUNT_FIELD_NUMBER, k.count());
        } else if (c instanceof Command.Dentry d) {
            b.begin(WorkloadEvent.DENTRY_FIELD_NUMBER).uint64(Dentry.PID_FIELD_NUMBER, d.pid())
                    .sint64(Dentry.COUNT_FIELD_NUMBER, d.count());
        } else if (c instanceof Command.Tick t) {
            b.begin(WorkloadEvent.TICK_FIELD_NUMBER).uint64(Tick.DURATION_NS_FIELD_NUMBER, t.durationNs());
        } else if (c instanceof Command.Echo e) {
            b.begin(WorkloadEvent.ECHO_FIELD_NUMBER).string(Echo.VALUE_FIELD_NUMBER, e.value())
                    .string(Echo.PATH_FIELD_NUMBER, e.path());
        } else if (c instanceof Command.Watch w) {
            b.begin(WorkloadEvent.WATCH_FIELD_NUMBER).string(io.memfleet.proto.v1.Watch.PATH_FIELD_NUMBER, w.path())
                    .string(io.memfleet.proto.v1.Watch.THRESHOLD_FIELD_NUMBER, w.threshold());
        } else if (c instanceof Command.Mkdir m) {
            b.begin(WorkloadEvent.MKDIR_FIELD_NUMBER).string(Mkdir.PATH_FIELD_NUMBER, m.path());
        } else if (c instanceof Command.Rmdir r) {
            b.begin(WorkloadEvent.RMDIR_FIELD_NUMBER).string(Rmdir.PATH_FIELD_NUMBER, r.path());
        } else if (c instanceof Command.Spawn s) {
            b.begin(WorkloadEvent.SPAWN_FIELD_NUMBER).uint64(Spawn.PID_FIELD_NUMBER, s.pid())
                    .string(Spawn.PATH_FIELD_NUMBER, s.path()).uint64(Spawn.CPU_FIELD_NUMBER, s.cpu());
        } else if (c instanceof Command.Fork f) {
            b.begin(WorkloadEvent.FORK_FIELD_NUMBER).uint64(io.memfleet.proto.v1.Fork.PARENT_FIELD_NUMBER, f.parent())
                    .uint64(io.memfleet.proto.v1.Fork.CHILD_FIELD_NUMBER, f.child());
        } else if (c instanceof Command.Exit e) {
            b.begin(WorkloadEvent.EXIT_FIELD_NUMBER).uint64(Exit.PID_FIELD_NUMBER, e.pid());
        } else if (c instanceof Command.Kill k) {
            b.begin(WorkloadEvent.KILL_FIELD_NUMBER).uint64(Kill.PID_FIELD_NUMBER, k.pid());
        } else if (c instanceof Command.Cat cat) {
            b.begin(WorkloadEvent.CAT_FIELD_NUMBER).string(Cat.PATH_FIELD_NUMBER, cat.path());
        } else if (c instanceof Command.Print p) {
            b.begin(WorkloadEvent.PRINT_FIELD_NUMBER).string(Print.TEXT_FIELD_NUMBER, p.text());
        } else if (c instanceof Command.Dmesg) {
            b.begin(WorkloadEvent.DMESG_FIELD_NUMBER);
        } else if (c instanceof Command.Swapoff) {
            b.begin(WorkloadEvent.SWAPOFF_FIELD_NUMBER);
        } else if (c instanceof Command.Swapon) {
            b.begin(WorkloadEvent.SWAPON_FIELD_NUMBER);
        } else if (c instanceof Command.Node n) {
            b.begin(WorkloadEvent.NODE_SHAPE_FIELD_NUMBER).uint64(NodeShape.CPUS_FIELD_NUMBER, n.cpus())
                    .uint64(NodeShape.MEM_BYTES_FIELD_NUMBER, n.memBytes())
                    .uint64(NodeShape.SWAP_BYTES_FIELD_NUMBER, n.swapBytes())
                    .uint64(NodeShape.SEED_FIELD_NUMBER, n.seed()).uint64(NodeShape.HZ_FIELD_NUMBER, n.hz());
            if (!n.kernel().isEmpty()) {
                b.string(NodeShape.KERNEL_FIELD_NUMBER, n.kernel());
            }
        } else {
            throw new IllegalArgumentException("no wire form for " + c);
        }
        b.end();
    }
}
