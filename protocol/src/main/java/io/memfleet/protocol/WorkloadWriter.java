package io.memfleet.protocol;

import com.google.protobuf.CodedOutputStream;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.script.ScriptParser;
import io.memfleet.proto.v1.Cat;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Writes one node's events as WorkloadBatch bytes (workload.proto) straight from typed commands,
 * without building protobuf messages: the generators' hot path. Field numbers are the generated
 * classes' constants, and {@code WorkloadCodecTest} checks the bytes against the generated parser.
 * Reusable: {@link #reset} starts the next batch with the same buffers.
 */
public final class WorkloadWriter {
    private byte[] buf = new byte[1024];
    private int size;
    private final byte[] body = new byte[512];
    private final byte[] event = new byte[640];
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
        size = 0;
        events = 0;
        try {
            CodedOutputStream o = CodedOutputStream.newInstance(event);
            o.writeString(WorkloadBatch.NODE_ID_FIELD_NUMBER, nodeId);
            append(WorkloadBatch.NODE_ID_FIELD_NUMBER, event, o.getTotalBytesWritten(), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public int events() {
        return events;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Appends one command as an event with {@code seq}. */
    public WorkloadWriter command(long seq, Command c) {
        try {
            CodedOutputStream b = CodedOutputStream.newInstance(body);
            int field = writeBody(c, b);
            writeEvent(seq, field, b.getTotalBytesWritten());
        } catch (IOException e) {
            throw new IllegalArgumentException("command too large for one event: " + c, e);
        }
        return this;
    }

    /** Appends a sample request: telemetry now, the node's files if asked, its release if last. */
    public WorkloadWriter sample(long seq, boolean dumpFiles, boolean release) {
        try {
            CodedOutputStream b = CodedOutputStream.newInstance(body);
            if (dumpFiles) {
                b.writeBool(Sample.DUMP_FILES_FIELD_NUMBER, true);
            }
            if (release) {
                b.writeBool(Sample.RELEASE_FIELD_NUMBER, true);
            }
            writeEvent(seq, WorkloadEvent.SAMPLE_FIELD_NUMBER, b.getTotalBytesWritten());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Appends a telemetry clock setting: a sample every {@code intervalNs} of simulated time from now on. */
    public WorkloadWriter telemetryInterval(long seq, long intervalNs) {
        try {
            CodedOutputStream b = CodedOutputStream.newInstance(body);
            u64(b, TelemetryInterval.INTERVAL_NS_FIELD_NUMBER, intervalNs);
            writeEvent(seq, WorkloadEvent.TELEMETRY_INTERVAL_FIELD_NUMBER, b.getTotalBytesWritten());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private void writeEvent(long seq, int commandField, int bodyLength) throws IOException {
        CodedOutputStream e = CodedOutputStream.newInstance(event);
        e.writeUInt64(WorkloadEvent.SEQ_FIELD_NUMBER, seq);
        e.writeTag(commandField, 2);
        e.writeUInt32NoTag(bodyLength);
        e.writeRawBytes(body, 0, bodyLength);
        append(WorkloadBatch.EVENTS_FIELD_NUMBER, event, e.getTotalBytesWritten(), true);
        events++;
    }

    private void append(int field, byte[] src, int length, boolean delimited) {
        int need = length + (delimited ? 10 : 0);
        if (size + need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(size + need, buf.length * 2));
        }
        if (delimited) {
            CodedOutputStream o = CodedOutputStream.newInstance(buf, size, buf.length - size);
            try {
                o.writeTag(field, 2);
                o.writeUInt32NoTag(length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            size += o.getTotalBytesWritten();
        }
        System.arraycopy(src, 0, buf, size, length);
        size += length;
    }

    /** Writes the command's message; returns its field number in WorkloadEvent's command oneof. */
    private static int writeBody(Command c, CodedOutputStream b) throws IOException {
        if (c instanceof Command.Mem m) {
            u32(b, Mem.KIND_FIELD_NUMBER, switch (m.kind()) {
                case ANON -> Mem.Kind.ANON_VALUE;
                case MLOCK -> Mem.Kind.MLOCK_VALUE;
                case FILE -> Mem.Kind.FILE_VALUE;
            });
            u32(b, Mem.PID_FIELD_NUMBER, m.pid());
            s64(b, Mem.BYTES_FIELD_NUMBER, m.bytes());
            return WorkloadEvent.MEM_FIELD_NUMBER;
        } else if (c instanceof Command.Kmalloc k) {
            u32(b, Kmalloc.PID_FIELD_NUMBER, k.pid() == Command.Kmalloc.IRQ ? 0 : k.pid());
            u64(b, Kmalloc.SIZE_FIELD_NUMBER, k.size());
            s64(b, Kmalloc.COUNT_FIELD_NUMBER, k.count());
            return WorkloadEvent.KMALLOC_FIELD_NUMBER;
        } else if (c instanceof Command.Dentry d) {
            u32(b, Dentry.PID_FIELD_NUMBER, d.pid());
            s64(b, Dentry.COUNT_FIELD_NUMBER, d.count());
            return WorkloadEvent.DENTRY_FIELD_NUMBER;
        } else if (c instanceof Command.Tick t) {
            u64(b, Tick.DURATION_NS_FIELD_NUMBER, t.durationNs());
            return WorkloadEvent.TICK_FIELD_NUMBER;
        } else if (c instanceof Command.Echo e) {
            str(b, Echo.VALUE_FIELD_NUMBER, e.value());
            str(b, Echo.PATH_FIELD_NUMBER, e.path());
            return WorkloadEvent.ECHO_FIELD_NUMBER;
        } else if (c instanceof Command.Mkdir m) {
            str(b, Mkdir.PATH_FIELD_NUMBER, m.path());
            return WorkloadEvent.MKDIR_FIELD_NUMBER;
        } else if (c instanceof Command.Rmdir r) {
            str(b, Rmdir.PATH_FIELD_NUMBER, r.path());
            return WorkloadEvent.RMDIR_FIELD_NUMBER;
        } else if (c instanceof Command.Spawn s) {
            u32(b, Spawn.PID_FIELD_NUMBER, s.pid());
            str(b, Spawn.PATH_FIELD_NUMBER, s.path());
            u32(b, Spawn.CPU_FIELD_NUMBER, s.cpu());
            return WorkloadEvent.SPAWN_FIELD_NUMBER;
        } else if (c instanceof Command.Exit e) {
            u32(b, Exit.PID_FIELD_NUMBER, e.pid());
            return WorkloadEvent.EXIT_FIELD_NUMBER;
        } else if (c instanceof Command.Kill k) {
            u32(b, Kill.PID_FIELD_NUMBER, k.pid());
            return WorkloadEvent.KILL_FIELD_NUMBER;
        } else if (c instanceof Command.Cat cat) {
            str(b, Cat.PATH_FIELD_NUMBER, cat.path());
            return WorkloadEvent.CAT_FIELD_NUMBER;
        } else if (c instanceof Command.Print p) {
            str(b, Print.TEXT_FIELD_NUMBER, p.text());
            return WorkloadEvent.PRINT_FIELD_NUMBER;
        } else if (c instanceof Command.Dmesg) {
            return WorkloadEvent.DMESG_FIELD_NUMBER;
        } else if (c instanceof Command.Node n) {
            u32(b, NodeShape.CPUS_FIELD_NUMBER, n.cpus());
            u64(b, NodeShape.MEM_BYTES_FIELD_NUMBER, n.memBytes());
            u64(b, NodeShape.SWAP_BYTES_FIELD_NUMBER, n.swapBytes());
            u64(b, NodeShape.SEED_FIELD_NUMBER, n.seed());
            u32(b, NodeShape.HZ_FIELD_NUMBER, n.hz());
            return WorkloadEvent.NODE_SHAPE_FIELD_NUMBER;
        }
        throw new IllegalArgumentException("no wire form for " + c);
    }

    // proto3 leaves fields at their default value off the wire

    private static void u32(CodedOutputStream b, int field, int v) throws IOException {
        if (v != 0) {
            b.writeUInt32(field, v);
        }
    }

    private static void u64(CodedOutputStream b, int field, long v) throws IOException {
        if (v != 0) {
            b.writeUInt64(field, v);
        }
    }

    private static void s64(CodedOutputStream b, int field, long v) throws IOException {
        if (v != 0) {
            b.writeSInt64(field, v);
        }
    }

    private static void str(CodedOutputStream b, int field, String v) throws IOException {
        if (!v.isEmpty()) {
            b.writeString(field, v);
        }
    }
}
