package io.memfleet.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.InvalidCommandException;
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

/**
 * Reads WorkloadBatch bytes straight into kernel commands, event by event, without building
 * protobuf messages: the agent's hot path. Field numbers are the generated classes' constants;
 * commands check their own arguments, so an event the kernel cannot run reaches the sink as
 * {@link Sink#invalid} with the reason, and the events around it are delivered as usual.
 */
public final class WorkloadReader {
    /** Receives the events of a batch in order. */
    public interface Sink {
        void command(long seq, Command command);

        /** A sample request: telemetry now, the node's files if asked, and its release if it is the last event. */
        void sample(long seq, boolean dumpFiles, boolean release);

        /** The node's telemetry clock from now on (simulated nanoseconds between samples). */
        void telemetryInterval(long seq, long intervalNs);

        /** One step of an experiment's rollout: writes to apply and ack. */
        void configStep(long seq, RolloutStep step);

        /** An event that names another node, carries no command, or a command the kernel cannot run. */
        void invalid(long seq, String reason);
    }

    /** Bytes that are not a WorkloadBatch for the expected node. */
    public static final class MalformedBatchException extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedBatchException(String reason) {
            super(reason);
        }
    }

    private WorkloadReader() {
    }

    /**
     * Decodes {@code bytes}, a batch for {@code node}: a batch naming another node fails as a whole;
     * an event naming another node is reported as invalid.
     */
    public static void read(byte[] bytes, String node, Sink sink) throws MalformedBatchException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    return;
                }
                int field = WireFormat.getTagFieldNumber(tag);
                if (field == WorkloadBatch.EVENTS_FIELD_NUMBER && WireFormat.getTagWireType(tag) == 2) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    event(in, node, sink);
                    in.popLimit(limit);
                } else if (field == WorkloadBatch.NODE_ID_FIELD_NUMBER) {
                    String batchNode = in.readStringRequireUtf8();
                    if (!batchNode.isEmpty() && !batchNode.equals(node)) {
                        throw new MalformedBatchException("batch for node '" + batchNode + "' in a record keyed '"
                                + node + "'");
                    }
                } else {
                    in.skipField(tag);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedBatchException("not a WorkloadBatch: " + e.getMessage());
        } catch (IOException e) {
            throw new MalformedBatchException("not a WorkloadBatch: " + e);
        }
    }

    private static void event(CodedInputStream in, String node, Sink sink) throws IOException {
        long seq = 0;
        String eventNode = "";
        Command cmd = null;
        String error = "no command in the event";
        boolean sample = false;
        boolean dump = false;
        boolean release = false;
        long interval = -1;
        RolloutStep step = null;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == WorkloadEvent.SEQ_FIELD_NUMBER) {
                seq = in.readUInt64();
            } else if (field == WorkloadEvent.NODE_ID_FIELD_NUMBER) {
                eventNode = in.readStringRequireUtf8();
            } else if (WireFormat.getTagWireType(tag) == 2 && field >= WorkloadEvent.NODE_SHAPE_FIELD_NUMBER) {
                int limit = in.pushLimit(in.readRawVarint32());
                cmd = null;
                sample = false;
                interval = -1;
                step = null;
                error = null;
                try {
                    if (field == WorkloadEvent.CONFIG_STEP_FIELD_NUMBER) {
                        step = rolloutStep(in.readRawBytes(in.getBytesUntilLimit()));
                    } else if (field == WorkloadEvent.TELEMETRY_INTERVAL_FIELD_NUMBER) {
                        interval = intervalNs(in);
                        if (interval <= 0) {
                            error = "telemetry interval must be positive";
                            interval = -1;
                        }
                    } else if (field == WorkloadEvent.SAMPLE_FIELD_NUMBER) {
                        sample = true;
                        long flags = sampleFlags(in);
                        dump = (flags & 1) != 0;
                        release = (flags & 2) != 0;
                    } else {
                        cmd = command(field, in);
                    }
                } catch (InvalidCommandException e) {
                    error = e.getMessage();
                } catch (UnknownCommandException e) {
                    error = "unknown command field " + field;
                }
                while (!in.isAtEnd()) {
                    in.skipField(in.readTag());
                }
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
        if (!eventNode.isEmpty() && !eventNode.equals(node)) {
            sink.invalid(seq, "event seq " + seq + " names node '" + eventNode + "' in a record keyed '" + node + "'");
        } else if (sample) {
            sink.sample(seq, dump, release);
        } else if (interval > 0) {
            sink.telemetryInterval(seq, interval);
        } else if (step != null) {
            sink.configStep(seq, step);
        } else if (cmd != null) {
            sink.command(seq, cmd);
        } else {
            sink.invalid(seq, error);
        }
    }

    /** A command field number this reader does not know (a newer writer's command). */
    private static final class UnknownCommandException extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /** A rollout step: rare (a few per node), so the generated parser reads it. */
    private static RolloutStep rolloutStep(byte[] bytes) throws IOException {
        io.memfleet.proto.v1.ConfigStep s = io.memfleet.proto.v1.ConfigStep.parseFrom(bytes);
        if (s.getWave() < 1 || s.getRollout().isEmpty()) {
            throw new InvalidCommandException("a config step needs its rollout and a wave from 1");
        }
        java.util.List<Command.Echo> writes = new java.util.ArrayList<>();
        for (Echo e : s.getWritesList()) {
            writes.add(new Command.Echo(e.getValue(), e.getPath()));
        }
        return new RolloutStep(s.getRollout(), s.getWave(), s.getRollback(), writes);
    }

    private static long intervalNs(CodedInputStream in) throws IOException {
        long ns = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == TelemetryInterval.INTERVAL_NS_FIELD_NUMBER) {
                ns = in.readUInt64();
            } else {
                in.skipField(tag);
            }
        }
        return ns;
    }

    private static long sampleFlags(CodedInputStream in) throws IOException {
        long flags = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case Sample.DUMP_FILES_FIELD_NUMBER -> flags |= in.readBool() ? 1 : 0;
                case Sample.RELEASE_FIELD_NUMBER -> flags |= in.readBool() ? 2 : 0;
                default -> in.skipField(tag);
            }
        }
        return flags;
    }

    // the message of each command in WorkloadEvent's oneof; absent fields are proto3's defaults
    private static Command command(int field, CodedInputStream in) throws IOException, UnknownCommandException {
        switch (field) {
            case WorkloadEvent.MEM_FIELD_NUMBER: {
                int kind = 0;
                int pid = 0;
                long bytes = 0;
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    switch (WireFormat.getTagFieldNumber(tag)) {
                        case Mem.KIND_FIELD_NUMBER -> kind = in.readEnum();
                        case Mem.PID_FIELD_NUMBER -> pid = in.readUInt32();
                        case Mem.BYTES_FIELD_NUMBER -> bytes = in.readSInt64();
                        default -> in.skipField(tag);
                    }
                }
                return new Command.Mem(memKind(kind), pid, bytes);
            }
            case WorkloadEvent.KMALLOC_FIELD_NUMBER: {
                int pid = 0;
                long size = 0;
                long count = 0;
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    switch (WireFormat.getTagFieldNumber(tag)) {
                        case Kmalloc.PID_FIELD_NUMBER -> pid = in.readUInt32();
                        case Kmalloc.SIZE_FIELD_NUMBER -> size = in.readUInt64();
                        case Kmalloc.COUNT_FIELD_NUMBER -> count = in.readSInt64();
                        default -> in.skipField(tag);
                    }
                }
                return new Command.Kmalloc(pid == 0 ? Command.Kmalloc.IRQ : pid, size, count);
            }
            case WorkloadEvent.DENTRY_FIELD_NUMBER: {
                int pid = 0;
                long count = 0;
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    switch (WireFormat.getTagFieldNumber(tag)) {
                        case Dentry.PID_FIELD_NUMBER -> pid = in.readUInt32();
                        case Dentry.COUNT_FIELD_NUMBER -> count = in.readSInt64();
                        default -> in.skipField(tag);
                    }
                }
                return new Command.Dentry(pid, count);
            }
            case WorkloadEvent.TICK_FIELD_NUMBER: {
                long ns = 0;
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    if (WireFormat.getTagFieldNumber(tag) == Tick.DURATION_NS_FIELD_NUMBER) {
                        ns = in.readUInt64();
                    } else {
                        in.skipField(tag);
                    }
                }
                return new Command.Tick(ns);
            }
            case WorkloadEvent.ECHO_FIELD_NUMBER: {
                String value = "";
                String path = "";
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    switch (WireFormat.getTagFieldNumber(tag)) {
                        case Echo.VALUE_FIELD_NUMBER -> value = in.readStringRequireUtf8();
                        case Echo.PATH_FIELD_NUMBER -> path = in.readStringRequireUtf8();
                        default -> in.skipField(tag);
                    }
                }
                return new Command.Echo(value, path);
            }
            case WorkloadEvent.WATCH_FIELD_NUMBER: {
                String path = "";
                String threshold = "";
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    switch (WireFormat.getTagFieldNumber(tag)) {
                        case io.memfleet.proto.v1.Watch.PATH_FIELD_NUMBER -> path = in.readStringRequireUtf8();
                        case io.memfleet.proto.v1.Watch.THRESHOLD_FIELD_NUMBER -> threshold = in.readStringRequireUtf8();
                        default -> in.skipField(tag);
                    }
                }
                return new Command.Watch(path, threshold);
            }
            case WorkloadEvent.SPAWN_FIELD_NUMBER: {
                int pid = 0;
                String path = "";
                int cpu = 0;
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    switch (WireFormat.getTagFieldNumber(tag)) {
                        case Spawn.PID_FIELD_NUMBER -> pid = in.readUInt32();
                        case Spawn.PATH_FIELD_NUMBER -> path = in.readStringRequireUtf8();
                        case Spawn.CPU_FIELD_NUMBER -> cpu = in.readUInt32();
                        default -> in.skipField(tag);
                    }
                }
                return new Command.Spawn(pid, path, cpu);
            }
            case WorkloadEvent.NODE_SHAPE_FIELD_NUMBER:
                return nodeShape(in);
            case WorkloadEvent.MKDIR_FIELD_NUMBER:
                return new Command.Mkdir(onlyString(in, Mkdir.PATH_FIELD_NUMBER));
            case WorkloadEvent.RMDIR_FIELD_NUMBER:
                return new Command.Rmdir(onlyString(in, Rmdir.PATH_FIELD_NUMBER));
            case WorkloadEvent.CAT_FIELD_NUMBER:
                return new Command.Cat(onlyString(in, Cat.PATH_FIELD_NUMBER));
            case WorkloadEvent.PRINT_FIELD_NUMBER:
                return new Command.Print(onlyString(in, Print.TEXT_FIELD_NUMBER));
            case WorkloadEvent.EXIT_FIELD_NUMBER:
                return new Command.Exit(onlyPid(in, Exit.PID_FIELD_NUMBER));
            case WorkloadEvent.FORK_FIELD_NUMBER: {
                int parent = 0;
                int child = 0;
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    switch (WireFormat.getTagFieldNumber(tag)) {
                        case io.memfleet.proto.v1.Fork.PARENT_FIELD_NUMBER -> parent = in.readUInt32();
                        case io.memfleet.proto.v1.Fork.CHILD_FIELD_NUMBER -> child = in.readUInt32();
                        default -> in.skipField(tag);
                    }
                }
                return new Command.Fork(parent, child);
            }
            case WorkloadEvent.KILL_FIELD_NUMBER:
                return new Command.Kill(onlyPid(in, Kill.PID_FIELD_NUMBER));
            case WorkloadEvent.DMESG_FIELD_NUMBER:
                return new Command.Dmesg();
            case WorkloadEvent.SWAPOFF_FIELD_NUMBER:
                return new Command.Swapoff();
            case WorkloadEvent.SWAPON_FIELD_NUMBER:
                return new Command.Swapon();
            default:
                throw new UnknownCommandException();
        }
    }

    private static Command.MemKind memKind(int kind) {
        return switch (kind) {
            case Mem.Kind.ANON_VALUE -> Command.MemKind.ANON;
            case Mem.Kind.MLOCK_VALUE -> Command.MemKind.MLOCK;
            case Mem.Kind.FILE_VALUE -> Command.MemKind.FILE;
            case Mem.Kind.TCP_VALUE -> Command.MemKind.TCP;
            case Mem.Kind.MMAP_VALUE -> Command.MemKind.MMAP;
            case Mem.Kind.SHM_VALUE -> Command.MemKind.SHM;
            default -> throw new InvalidCommandException("mem kind missing or unknown: " + kind);
        };
    }

    /** A node shape; a zero field means the script's default (NodeShape in workload.proto). */
    private static Command.Node nodeShape(CodedInputStream in) throws IOException {
        Command.Node d = Command.Node.DEFAULT;
        int cpus = 0;
        long mem = 0;
        long swap = 0;
        long seed = 0;
        int hz = 0;
        String kernel = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case NodeShape.CPUS_FIELD_NUMBER -> cpus = in.readUInt32();
                case NodeShape.MEM_BYTES_FIELD_NUMBER -> mem = in.readUInt64();
                case NodeShape.SWAP_BYTES_FIELD_NUMBER -> swap = in.readUInt64();
                case NodeShape.SEED_FIELD_NUMBER -> seed = in.readUInt64();
                case NodeShape.HZ_FIELD_NUMBER -> hz = in.readUInt32();
                case NodeShape.KERNEL_FIELD_NUMBER -> kernel = in.readStringRequireUtf8();
                default -> in.skipField(tag);
            }
        }
        return new Command.Node(cpus == 0 ? d.cpus() : cpus, mem == 0 ? d.memBytes() : mem, swap,
                seed == 0 ? d.seed() : seed, hz == 0 ? d.hz() : hz, kernel);
    }

    private static String onlyString(CodedInputStream in, int field) throws IOException {
        String v = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == field) {
                v = in.readStringRequireUtf8();
            } else {
                in.skipField(tag);
            }
        }
        return v;
    }

    private static int onlyPid(CodedInputStream in, int field) throws IOException {
        int v = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == field) {
                v = in.readUInt32();
            } else {
                in.skipField(tag);
            }
        }
        return v;
    }
}
