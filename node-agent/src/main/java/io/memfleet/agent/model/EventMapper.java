package io.memfleet.agent.model;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.script.ScriptParser;
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
import io.memfleet.proto.v1.Spawn;
import io.memfleet.proto.v1.Tick;
import io.memfleet.proto.v1.WorkloadEvent;

/** Maps protobuf workload events to kernel commands and back, validating them as the script parser would. */
public final class EventMapper {
    private static final long MAX_BYTES = 1L << 50;

    private EventMapper() {
    }

    public static Command toCommand(WorkloadEvent e) throws BadEventException {
        return switch (e.getCommandCase()) {
            case NODE_SHAPE -> {
                var s = e.getNodeShape();
                yield node(s.getCpus(), s.getMemBytes(), s.getSwapBytes(), s.getSeed(), s.getHz());
            }
            case PRINT -> new Command.Print(e.getPrint().getText());
            case MKDIR -> new Command.Mkdir(path(e.getMkdir().getPath()));
            case RMDIR -> new Command.Rmdir(path(e.getRmdir().getPath()));
            case ECHO -> echo(e.getEcho().getValue(), e.getEcho().getPath());
            case CAT -> new Command.Cat(path(e.getCat().getPath()));
            case SPAWN -> spawn(e.getSpawn().getPid(), e.getSpawn().getPath(), e.getSpawn().getCpu());
            case EXIT -> new Command.Exit(pid(e.getExit().getPid()));
            case KILL -> new Command.Kill(pid(e.getKill().getPid()));
            case MEM -> mem(e.getMem().getKindValue(), e.getMem().getPid(), e.getMem().getBytes());
            case DENTRY -> dentry(e.getDentry().getPid(), e.getDentry().getCount());
            case KMALLOC -> kmalloc(e.getKmalloc().getPid(), e.getKmalloc().getSize(), e.getKmalloc().getCount());
            case TICK -> tick(e.getTick().getDurationNs());
            case DMESG -> new Command.Dmesg();
            case SAMPLE, COMMAND_NOT_SET -> throw new BadEventException("not a kernel command: " + e.getCommandCase());
        };
    }

    /** A node shape; zeros mean the script defaults. */
    static Command.Node node(int cpus, long memBytes, long swapBytes, long seed, int hz) throws BadEventException {
        Command.Node d = Command.Node.DEFAULT;
        int c = cpus == 0 ? d.cpus() : cpus;
        long mem = memBytes == 0 ? d.memBytes() : memBytes;
        int h = hz == 0 ? d.hz() : hz;
        if (c < 1 || c > 1024 || mem < 64 * 4096 || mem > MAX_BYTES || swapBytes < 0 || swapBytes > MAX_BYTES
                || h < 1 || h > 100000) {
            throw new BadEventException("node shape out of range: cpus=" + Integer.toUnsignedString(cpus) + " mem="
                    + Long.toUnsignedString(memBytes) + " swap=" + Long.toUnsignedString(swapBytes) + " hz="
                    + Integer.toUnsignedString(hz));
        }
        return new Command.Node(c, mem, swapBytes, seed == 0 ? d.seed() : seed, h);
    }

    static Command echo(String value, String path) throws BadEventException {
        if (value.isEmpty() || hasWhitespace(value)) {
            throw new BadEventException("echo value must be one token: '" + value + "'");
        }
        return new Command.Echo(value, path(path));
    }

    static Command spawn(int pid, String path, int cpu) throws BadEventException {
        if (cpu < 0 || cpu > 1023) {
            throw new BadEventException("bad cpu " + Integer.toUnsignedString(cpu));
        }
        return new Command.Spawn(pid(pid), path(path), cpu);
    }

    /** anon / mlock / file; {@code kind} is the Mem.Kind enum number. */
    static Command mem(int kind, int pid, long bytes) throws BadEventException {
        Command.MemKind k = switch (kind) {
            case 1 -> Command.MemKind.ANON;
            case 2 -> Command.MemKind.MLOCK;
            case 3 -> Command.MemKind.FILE;
            default -> throw new BadEventException("mem kind missing or unknown: " + kind);
        };
        if (k == Command.MemKind.MLOCK && bytes < 0) {
            throw new BadEventException("mlock takes a positive size");
        }
        if (bytes > MAX_BYTES || bytes < -MAX_BYTES) {
            throw new BadEventException("mem size out of range: " + bytes);
        }
        return new Command.Mem(k, pid(pid), bytes);
    }

    static Command dentry(int pid, long count) throws BadEventException {
        return new Command.Dentry(pid(pid), count);
    }

    /** kmalloc; pid 0 is interrupt context. */
    static Command kmalloc(int pid, long size, long count) throws BadEventException {
        if (size <= 0) {
            throw new BadEventException("kmalloc size must be positive");
        }
        return new Command.Kmalloc(pid == 0 ? Command.Kmalloc.IRQ : pid(pid), size, count);
    }

    static Command tick(long ns) throws BadEventException {
        if (ns < 0 || ns > Long.MAX_VALUE / 4) {
            throw new BadEventException("tick duration out of range: " + Long.toUnsignedString(ns));
        }
        return new Command.Tick(ns);
    }

    /** The protobuf form of a kernel command (the inverse of {@link #toCommand}). */
    public static WorkloadEvent toProto(String nodeId, long seq, Command c) {
        WorkloadEvent.Builder b = WorkloadEvent.newBuilder().setNodeId(nodeId).setSeq(seq);
        if (c instanceof Command.Mem m) {
            b.setMem(Mem.newBuilder().setKind(switch (m.kind()) {
                case ANON -> Mem.Kind.ANON;
                case MLOCK -> Mem.Kind.MLOCK;
                case FILE -> Mem.Kind.FILE;
            }).setPid(m.pid()).setBytes(m.bytes()));
        } else if (c instanceof Command.Dentry d) {
            b.setDentry(Dentry.newBuilder().setPid(d.pid()).setCount(d.count()));
        } else if (c instanceof Command.Kmalloc k) {
            b.setKmalloc(Kmalloc.newBuilder().setPid(k.pid() == Command.Kmalloc.IRQ ? 0 : k.pid()).setSize(k.size())
                    .setCount(k.count()));
        } else if (c instanceof Command.Tick t) {
            b.setTick(Tick.newBuilder().setDurationNs(t.durationNs()));
        } else if (c instanceof Command.Echo e) {
            b.setEcho(Echo.newBuilder().setValue(e.value()).setPath(e.path()));
        } else if (c instanceof Command.Mkdir m) {
            b.setMkdir(Mkdir.newBuilder().setPath(m.path()));
        } else if (c instanceof Command.Rmdir r) {
            b.setRmdir(Rmdir.newBuilder().setPath(r.path()));
        } else if (c instanceof Command.Spawn s) {
            b.setSpawn(Spawn.newBuilder().setPid(s.pid()).setPath(s.path()).setCpu(s.cpu()));
        } else if (c instanceof Command.Exit e) {
            b.setExit(Exit.newBuilder().setPid(e.pid()));
        } else if (c instanceof Command.Kill k) {
            b.setKill(Kill.newBuilder().setPid(k.pid()));
        } else if (c instanceof Command.Cat cat) {
            b.setCat(Cat.newBuilder().setPath(cat.path()));
        } else if (c instanceof Command.Print p) {
            b.setPrint(Print.newBuilder().setText(p.text()));
        } else if (c instanceof Command.Dmesg) {
            b.setDmesg(Dmesg.getDefaultInstance());
        } else if (c instanceof Command.Node n) {
            b.setNodeShape(NodeShape.newBuilder().setCpus(n.cpus()).setMemBytes(n.memBytes())
                    .setSwapBytes(n.swapBytes()).setSeed(n.seed()).setHz(n.hz()));
        }
        return b.build();
    }

    /** Parses one script line into its protobuf event (for generators and tests); null for a blank line. */
    public static WorkloadEvent fromScriptLine(String nodeId, long seq, String line, boolean first) {
        Command c = ScriptParser.parse(line, (int) Math.min(seq, Integer.MAX_VALUE), first);
        return c == null ? null : toProto(nodeId, seq, c);
    }

    static String path(String p) throws BadEventException {
        if (!p.startsWith("/") || hasWhitespace(p)) {
            throw new BadEventException("bad path '" + p + "'");
        }
        return p;
    }

    private static boolean hasWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    static int pid(int pid) throws BadEventException {
        if (pid <= 0) {
            throw new BadEventException("bad pid " + Integer.toUnsignedString(pid));
        }
        return pid;
    }
}
