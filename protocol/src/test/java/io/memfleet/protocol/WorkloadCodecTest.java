package io.memfleet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.InvalidCommandException;
import io.memfleet.proto.v1.Cat;
import io.memfleet.proto.v1.Dentry;
import io.memfleet.proto.v1.Dmesg;
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
import io.memfleet.proto.v1.Tick;
import io.memfleet.proto.v1.WorkloadBatch;
import io.memfleet.proto.v1.WorkloadEvent;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-written wire codec and the generated protobuf classes agree, for every command type
 * with random values, in both directions; and every command in workload.proto's oneof is covered,
 * so the .proto and the codec cannot drift apart.
 */
class WorkloadCodecTest {
    private static final int ROUNDS = 2000;

    /** A random command of the given oneof case, within the kernel's argument rules. */
    static Command randomCommand(WorkloadEvent.CommandCase kind, SplittableRandom r) {
        int pid = 1 + r.nextInt(Integer.MAX_VALUE - 1);
        String path = "/" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + (r.nextBoolean() ? "/memory.stat" : "");
        long signed = r.nextLong(-Command.MAX_OP_BYTES, Command.MAX_OP_BYTES);
        return switch (kind) {
            case NODE_SHAPE -> new Command.Node(1 + r.nextInt(1024), r.nextLong(Command.MIN_NODE_BYTES,
                    Command.MAX_NODE_BYTES), r.nextLong(Command.MAX_NODE_BYTES), r.nextLong() | 1, 1 + r.nextInt(100_000),
                    List.of("", "default", "nokmem", "kmem-intended,nokmem").get(r.nextInt(4)));
            case PRINT -> new Command.Print(r.nextBoolean() ? "" : "text " + r.nextInt() + " ünïcode");
            case MKDIR -> new Command.Mkdir(path);
            case RMDIR -> new Command.Rmdir(path);
            case ECHO -> new Command.Echo(Long.toString(r.nextLong()), path);
            case CAT -> new Command.Cat(path);
            case SPAWN -> new Command.Spawn(pid, path, r.nextInt(1024));
            case EXIT -> new Command.Exit(pid);
            case FORK -> new Command.Fork(pid, 1 + r.nextInt(Integer.MAX_VALUE - 1));
            case KILL -> new Command.Kill(pid);
            case MEM -> {
                Command.MemKind k = Command.MemKind.values()[r.nextInt(Command.MemKind.values().length)];
                yield new Command.Mem(k, pid, k == Command.MemKind.MLOCK ? Math.abs(signed) : signed);
            }
            case DENTRY -> new Command.Dentry(pid, signed);
            case KMALLOC -> new Command.Kmalloc(r.nextBoolean() ? Command.Kmalloc.IRQ : pid,
                    1 + r.nextLong(Long.MAX_VALUE - 1), signed);
            case TICK -> new Command.Tick(r.nextLong(Command.Tick.MAX_NS));
            case DMESG -> new Command.Dmesg();
            case WATCH -> new Command.Watch(path, r.nextBoolean() ? "" : Long.toString(r.nextLong()));
            case SWAPOFF -> new Command.Swapoff();
            case SWAPON -> new Command.Swapon();
            case SAMPLE, TELEMETRY_INTERVAL, CONFIG_STEP, COMMAND_NOT_SET -> throw new IllegalArgumentException(
                    kind.name());
        };
    }

    /** The command a generated WorkloadEvent describes, read through the generated accessors. */
    static Command fromGenerated(WorkloadEvent e) {
        return switch (e.getCommandCase()) {
            case NODE_SHAPE -> new Command.Node(e.getNodeShape().getCpus(), e.getNodeShape().getMemBytes(),
                    e.getNodeShape().getSwapBytes(), e.getNodeShape().getSeed(), e.getNodeShape().getHz(),
                    e.getNodeShape().getKernel());
            case PRINT -> new Command.Print(e.getPrint().getText());
            case MKDIR -> new Command.Mkdir(e.getMkdir().getPath());
            case RMDIR -> new Command.Rmdir(e.getRmdir().getPath());
            case ECHO -> new Command.Echo(e.getEcho().getValue(), e.getEcho().getPath());
            case CAT -> new Command.Cat(e.getCat().getPath());
            case SPAWN -> new Command.Spawn(e.getSpawn().getPid(), e.getSpawn().getPath(), e.getSpawn().getCpu());
            case EXIT -> new Command.Exit(e.getExit().getPid());
            case FORK -> new Command.Fork(e.getFork().getParent(), e.getFork().getChild());
            case KILL -> new Command.Kill(e.getKill().getPid());
            case MEM -> new Command.Mem(Command.MemKind.values()[e.getMem().getKindValue() - 1], e.getMem().getPid(),
                    e.getMem().getBytes());
            case DENTRY -> new Command.Dentry(e.getDentry().getPid(), e.getDentry().getCount());
            case KMALLOC -> new Command.Kmalloc(e.getKmalloc().getPid() == 0 ? Command.Kmalloc.IRQ
                    : e.getKmalloc().getPid(), e.getKmalloc().getSize(), e.getKmalloc().getCount());
            case TICK -> new Command.Tick(e.getTick().getDurationNs());
            case DMESG -> new Command.Dmesg();
            case WATCH -> new Command.Watch(e.getWatch().getPath(), e.getWatch().getThreshold());
            case SWAPOFF -> new Command.Swapoff();
            case SWAPON -> new Command.Swapon();
            case SAMPLE, TELEMETRY_INTERVAL, CONFIG_STEP, COMMAND_NOT_SET -> throw new IllegalArgumentException(
                    e.getCommandCase().name());
        };
    }

    /** The generated form of a command, built through the generated builders. */
    static WorkloadEvent.Builder toGenerated(Command c) {
        WorkloadEvent.Builder b = WorkloadEvent.newBuilder();
        if (c instanceof Command.Node n) {
            b.setNodeShape(NodeShape.newBuilder().setCpus(n.cpus()).setMemBytes(n.memBytes()).setSwapBytes(n.swapBytes())
                    .setSeed(n.seed()).setHz(n.hz()).setKernel(n.kernel()));
        } else if (c instanceof Command.Print p) {
            b.setPrint(Print.newBuilder().setText(p.text()));
        } else if (c instanceof Command.Mkdir m) {
            b.setMkdir(Mkdir.newBuilder().setPath(m.path()));
        } else if (c instanceof Command.Rmdir m) {
            b.setRmdir(Rmdir.newBuilder().setPath(m.path()));
        } else if (c instanceof Command.Echo e) {
            b.setEcho(Echo.newBuilder().setValue(e.value()).setPath(e.path()));
        } else if (c instanceof Command.Watch w) {
            b.setWatch(io.memfleet.proto.v1.Watch.newBuilder().setPath(w.path()).setThreshold(w.threshold()));
        } else if (c instanceof Command.Cat cat) {
            b.setCat(Cat.newBuilder().setPath(cat.path()));
        } else if (c instanceof Command.Spawn s) {
            b.setSpawn(Spawn.newBuilder().setPid(s.pid()).setPath(s.path()).setCpu(s.cpu()));
        } else if (c instanceof Command.Exit x) {
            b.setExit(Exit.newBuilder().setPid(x.pid()));
        } else if (c instanceof Command.Fork f) {
            b.setFork(io.memfleet.proto.v1.Fork.newBuilder().setParent(f.parent()).setChild(f.child()));
        } else if (c instanceof Command.Kill k) {
            b.setKill(Kill.newBuilder().setPid(k.pid()));
        } else if (c instanceof Command.Mem m) {
            b.setMem(Mem.newBuilder().setKindValue(m.kind().ordinal() + 1).setPid(m.pid()).setBytes(m.bytes()));
        } else if (c instanceof Command.Dentry d) {
            b.setDentry(Dentry.newBuilder().setPid(d.pid()).setCount(d.count()));
        } else if (c instanceof Command.Kmalloc k) {
            b.setKmalloc(Kmalloc.newBuilder().setPid(k.pid() == Command.Kmalloc.IRQ ? 0 : k.pid()).setSize(k.size())
                    .setCount(k.count()));
        } else if (c instanceof Command.Tick t) {
            b.setTick(Tick.newBuilder().setDurationNs(t.durationNs()));
        } else if (c instanceof Command.Dmesg) {
            b.setDmesg(Dmesg.getDefaultInstance());
        } else if (c instanceof Command.Swapoff) {
            b.setSwapoff(io.memfleet.proto.v1.Swapoff.getDefaultInstance());
        } else if (c instanceof Command.Swapon) {
            b.setSwapon(io.memfleet.proto.v1.Swapon.getDefaultInstance());
        }
        return b;
    }

    private static List<WorkloadEvent.CommandCase> commandCases() {
        List<WorkloadEvent.CommandCase> out = new ArrayList<>();
        for (WorkloadEvent.CommandCase k : WorkloadEvent.CommandCase.values()) {
            if (k != WorkloadEvent.CommandCase.SAMPLE && k != WorkloadEvent.CommandCase.TELEMETRY_INTERVAL
                    && k != WorkloadEvent.CommandCase.CONFIG_STEP && k != WorkloadEvent.CommandCase.COMMAND_NOT_SET) {
                out.add(k);
            }
        }
        return out;
    }

    /** What a reader delivered, in order. */
    private record Seen(List<Object> items) implements WorkloadReader.Sink {
        Seen() {
            this(new ArrayList<>());
        }

        @Override
        public void command(long seq, Command command) {
            items.add(List.of(seq, command));
        }

        @Override
        public void sample(long seq, boolean dumpFiles, boolean release) {
            items.add(List.of(seq, "sample", dumpFiles, release));
        }

        @Override
        public void telemetryInterval(long seq, long intervalNs) {
            items.add(List.of(seq, "interval", intervalNs));
        }

        @Override
        public void configStep(long seq, RolloutStep step) {
            items.add(List.of(seq, step));
        }

        @Override
        public void invalid(long seq, String reason) {
            items.add(List.of(seq, "invalid", reason));
        }
    }

    @Test
    void rolloutStepsRoundTripThroughTheGeneratedClasses() throws Exception {
        RolloutStep step = new RolloutStep("tighter-batch", 3, true, List.of(new Command.Echo("25165824",
                "/batch/memory.limit_in_bytes"), new Command.Echo("-1", "/batch/memory.memsw.limit_in_bytes")));
        byte[] bytes = new WorkloadWriter().reset("n").configStep(7, step).toByteArray();
        io.memfleet.proto.v1.ConfigStep parsed = WorkloadBatch.parseFrom(bytes).getEvents(0).getConfigStep();
        assertEquals(List.of("tighter-batch", 3, true, 2), List.of(parsed.getRollout(), parsed.getWave(),
                parsed.getRollback(), parsed.getWritesCount()));
        assertEquals("/batch/memory.memsw.limit_in_bytes", parsed.getWrites(1).getPath());
        Seen got = new Seen();
        WorkloadReader.read(bytes, "n", got);
        assertEquals(List.of(List.of(7L, step)), got.items());
        Seen bad = new Seen();
        WorkloadReader.read(WorkloadBatch.newBuilder().addEvents(WorkloadEvent.newBuilder().setSeq(1).setConfigStep(
                io.memfleet.proto.v1.ConfigStep.newBuilder().setRollout("r"))).build().toByteArray(), "n", bad);
        assertEquals(List.of(List.of(1L, "invalid", "a config step needs its rollout and a wave from 1")), bad.items());
    }

    @Test
    void bytesWrittenFromCommandsParseWithTheGeneratedClassesToTheSameCommands() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        Set<WorkloadEvent.CommandCase> covered = EnumSet.noneOf(WorkloadEvent.CommandCase.class);
        WorkloadWriter w = new WorkloadWriter();
        for (int round = 0; round < ROUNDS; round++) {
            w.reset("node-" + round);
            List<Command> sent = new ArrayList<>();
            for (int i = 0; i < 1 + r.nextInt(20); i++) {
                WorkloadEvent.CommandCase k = commandCases().get(r.nextInt(commandCases().size()));
                Command c = randomCommand(k, r);
                sent.add(c);
                w.command(i + 1, c);
            }
            boolean dump = r.nextBoolean();
            boolean release = r.nextBoolean();
            long interval = 1 + r.nextLong(Long.MAX_VALUE - 1);
            w.sample(sent.size() + 1, dump, release);
            w.telemetryInterval(sent.size() + 2, interval);
            WorkloadBatch parsed = WorkloadBatch.parseFrom(w.toByteArray());
            assertEquals("node-" + round, parsed.getNodeId());
            assertEquals(sent.size() + 2, parsed.getEventsCount());
            Sample sample = parsed.getEvents(sent.size()).getSample();
            assertEquals(List.of(dump, release), List.of(sample.getDumpFiles(), sample.getRelease()));
            assertEquals(interval, parsed.getEvents(sent.size() + 1).getTelemetryInterval().getIntervalNs());
            for (int i = 0; i < sent.size(); i++) {
                WorkloadEvent e = parsed.getEvents(i);
                covered.add(e.getCommandCase());
                assertEquals(i + 1, e.getSeq());
                assertEquals(sent.get(i), fromGenerated(e), "event " + i);
            }
            assertEquals(WorkloadEvent.CommandCase.SAMPLE, parsed.getEvents(sent.size()).getCommandCase());
        }
        assertEquals(EnumSet.copyOf(commandCases()), covered, "every command type was written and read");
    }

    @Test
    void bytesFromTheGeneratedClassesReadToTheSameCommands() throws Exception {
        SplittableRandom r = new SplittableRandom(12);
        for (int round = 0; round < ROUNDS; round++) {
            WorkloadBatch.Builder b = WorkloadBatch.newBuilder().setNodeId(round % 2 == 0 ? "n" : "");
            Seen expected = new Seen();
            for (int i = 0; i < 1 + r.nextInt(20); i++) {
                WorkloadEvent.CommandCase k = commandCases().get(r.nextInt(commandCases().size()));
                Command c = randomCommand(k, r);
                b.addEvents(toGenerated(c).setSeq(i + 1).setNodeId(r.nextBoolean() ? "n" : "").setSimTimeNs(r.nextLong()));
                expected.command(i + 1, c);
            }
            b.addEvents(WorkloadEvent.newBuilder().setSeq(99).setSample(Sample.newBuilder().setDumpFiles(true)));
            expected.sample(99, true, false);
            b.addEvents(WorkloadEvent.newBuilder().setSeq(100).setTelemetryInterval(
                    io.memfleet.proto.v1.TelemetryInterval.newBuilder().setIntervalNs(250_000_000L)));
            expected.telemetryInterval(100, 250_000_000L);
            Seen got = new Seen();
            WorkloadReader.read(b.build().toByteArray(), "n", got);
            assertEquals(expected, got);
        }
    }

    @Test
    void everyCommandInTheProtoOneofHasACommandTypeAndBack() {
        Set<String> oneof = new HashSet<>();
        Descriptors.OneofDescriptor command = WorkloadEvent.getDescriptor().getOneofs().get(0);
        for (Descriptors.FieldDescriptor f : command.getFields()) {
            oneof.add(f.getName());
        }
        Set<String> known = new HashSet<>(Set.of("sample", "telemetry_interval", "config_step"));
        for (WorkloadEvent.CommandCase k : commandCases()) {
            known.add(WorkloadEvent.getDescriptor().findFieldByNumber(k.getNumber()).getName());
        }
        assertEquals(oneof, known, "a command added to workload.proto needs a kernel command and a codec case");
        assertEquals(Command.class.getPermittedSubclasses().length, commandCases().size(),
                "every kernel command has a wire form");
    }

    @Test
    void anInvalidEventIsReportedWithItsReasonAndTheRestOfTheBatchIsRead() throws Exception {
        byte[] bytes = WorkloadBatch.newBuilder().setNodeId("n")
                .addEvents(WorkloadEvent.newBuilder().setSeq(1).setMem(Mem.newBuilder().setPid(5).setBytes(4096)))
                .addEvents(WorkloadEvent.newBuilder().setSeq(2).setSpawn(Spawn.newBuilder().setPid(0).setPath("/")))
                .addEvents(WorkloadEvent.newBuilder().setSeq(3).setNodeId("other").setDmesg(Dmesg.getDefaultInstance()))
                .addEvents(WorkloadEvent.newBuilder().setSeq(4))
                .addEvents(WorkloadEvent.newBuilder().setSeq(5).setTick(Tick.newBuilder().setDurationNs(7)))
                .build().toByteArray();
        Seen got = new Seen();
        WorkloadReader.read(bytes, "n", got);
        assertEquals(List.of(
                List.of(1L, "invalid", "mem kind missing or unknown: 0"),
                List.of(2L, "invalid", "pid out of range: 0"),
                List.of(3L, "invalid", "event seq 3 names node 'other' in a record keyed 'n'"),
                List.of(4L, "invalid", "no command in the event"),
                List.of(5L, new Command.Tick(7))), got.items());
    }

    @Test
    void aBatchForAnotherNodeOrBytesThatAreNoBatchAreRefusedWhole() {
        byte[] other = WorkloadBatch.newBuilder().setNodeId("m").build().toByteArray();
        WorkloadReader.MalformedBatchException e = assertThrows(WorkloadReader.MalformedBatchException.class,
                () -> WorkloadReader.read(other, "n", new Seen()));
        assertEquals("batch for node 'm' in a record keyed 'n'", e.getMessage());
        assertThrows(WorkloadReader.MalformedBatchException.class,
                () -> WorkloadReader.read(new byte[] {(byte) 0xff, 1, 2}, "n", new Seen()));
    }

    @Test
    void theWriterRefusesNothingTheKernelAcceptsAndTheCommandRefusesWhatItDoesNot() {
        assertThrows(InvalidCommandException.class, () -> new Command.Spawn(0, "/", 0));
        assertThrows(InvalidCommandException.class, () -> new Command.Mem(Command.MemKind.MLOCK, 1, -4096));
        assertTrue(new WorkloadWriter().reset("n").command(1, new Command.Mem(Command.MemKind.ANON, 1, 0)).size() > 0);
    }
}
