package io.memfleet.agent.model;

import io.memfleet.kernel.script.Command;
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
                Command.Node d = Command.Node.DEFAULT;
                int cpus = s.getCpus() == 0 ? d.cpus() : s.getCpus();
                long mem = s.getMemBytes() == 0 ? d.memBytes() : s.getMemBytes();
                int hz = s.getHz() == 0 ? d.hz() : s.getHz();
                if (cpus < 1 || cpus > 1024 || mem < 64 * 4096 || mem > MAX_BYTES || s.getSwapBytes() < 0
                        || s.getSwapBytes() > MAX_BYTES || hz < 1 || hz > 100000) {
                    throw new BadEventException("node shape out of range: " + s.toString().replace('\n', ' '));
                }
                yield new Command.Node(cpus, mem, s.getSwapBytes(), s.getSeed() == 0 ? d.seed() : s.getSeed(), hz);
            }
            case PRINT -> new Command.Print(e.getPrint().getText());
            case MKDIR -> new Command.Mkdir(path(e.getMkdir().getPath()));
            case RMDIR -> new Command.Rmdir(path(e.getRmdir().getPath()));
            case ECHO -> {
                String v = e.getEcho().getValue();
                if (v.isEmpty() || v.chars().anyMatch(Character::isWhitespace)) {
                    throw new BadEventException("echo value must be one token: '" + v + "'");
                }
                yield new Command.Echo(v, path(e.getEcho().getPath()));
            }
            case CAT -> new Command.Cat(path(e.getCat().getPath()));
            case SPAWN -> new Command.Spawn(pid(e.getSpawn().getPid()), path(e.getSpawn().getPath()),
                    cpu(e.getSpawn().getCpu()));
            case EXIT -> new Command.Exit(pid(e.getExit().getPid()));
            case KILL -> new Command.Kill(pid(e.getKill().getPid()));
            case MEM -> {
                var m = e.getMem();
                Command.MemKind kind = switch (m.getKind()) {
                    case ANON -> Command.MemKind.ANON;
                    case MLOCK -> Command.MemKind.MLOCK;
                    case FILE -> Command.MemKind.FILE;
                    default -> throw new BadEventException("mem kind missing or unknown: " + m.getKindValue());
                };
                if (kind == Command.MemKind.MLOCK && m.getBytes() < 0) {
                    throw new BadEventException("mlock takes a positive size");
                }
                yield new Command.Mem(kind, pid(m.getPid()), m.getBytes());
            }
            case DENTRY -> new Command.Dentry(pid(e.getDentry().getPid()), e.getDentry().getCount());
            case KMALLOC -> {
                var k = e.getKmalloc();
                if (k.getSize() <= 0) {
                    throw new BadEventException("kmalloc size must be positive");
                }
                yield new Command.Kmalloc(k.getPid() == 0 ? Command.Kmalloc.IRQ : pid(k.getPid()), k.getSize(),
                        k.getCount());
            }
            case TICK -> {
                long ns = e.getTick().getDurationNs();
                if (ns < 0 || ns > Long.MAX_VALUE / 4) {
                    throw new BadEventException("tick duration out of range: " + Long.toUnsignedString(ns));
                }
                yield new Command.Tick(ns);
            }
            case DMESG -> new Command.Dmesg();
            case SAMPLE, COMMAND_NOT_SET -> throw new BadEventException("not a kernel command: " + e.getCommandCase());
        };
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

    private static String path(String p) throws BadEventException {
        if (!p.startsWith("/") || p.chars().anyMatch(Character::isWhitespace)) {
            throw new BadEventException("bad path '" + p + "'");
        }
        return p;
    }

    private static int pid(int pid) throws BadEventException {
        if (pid <= 0) {
            throw new BadEventException("bad pid " + Integer.toUnsignedString(pid));
        }
        return pid;
    }

    private static int cpu(int cpu) throws BadEventException {
        if (cpu < 0 || cpu > 1023) {
            throw new BadEventException("bad cpu " + Integer.toUnsignedString(cpu));
        }
        return cpu;
    }
}
