package io.memfleet.kernel;

import io.memfleet.kernel.fs.CgroupFs;
import io.memfleet.kernel.fs.FileResult;
import io.memfleet.kernel.memcg.ChargeResult;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.mm.Klog;
import io.memfleet.kernel.mm.PendingOp;
import io.memfleet.kernel.mm.PhysMem;
import io.memfleet.kernel.mm.Task;
import io.memfleet.kernel.mm.TaskTable;
import io.memfleet.kernel.script.Command;
import io.memfleet.kernel.sim.EventQueue;
import io.memfleet.kernel.sim.RandomStreams;
import io.memfleet.kernel.sim.SimClock;
import io.memfleet.kernel.sim.Workqueue;
import io.memfleet.kernel.slab.SlabLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated node: Linux 3.3 with the memory controller and the memcg kmem v2 series, SLAB,
 * x86_64, 4 KiB pages. Commands in, text out: {@link #execute} applies one command and appends
 * what the script runner prints. Single-threaded and deterministic: the same shape, seed and
 * commands give the same output, byte for byte. Nothing thrown escapes {@link #execute}.
 */
public final class Kernel {
    private static final int MAX_WAKE_ROUNDS = 10_000;

    private final Command.Node shape;
    private final KernelConfig config;
    private final SimClock clock;
    private final EventQueue events;
    private final Workqueue workqueue = new Workqueue();
    private final RandomStreams random;
    private final Klog klog = new Klog();
    private final PhysMem mem;
    private final TaskTable tasks = new TaskTable();
    private final MemController mc;
    private final CgroupFs cgroupFs;
    private final UserMemory user;
    private final SlabLayer slab;
    private final Vfs vfs;
    private long commands;
    private final List<KernelEvent> kernelEvents = new ArrayList<>();
    private static final int MAX_PENDING_EVENTS = 10_000;

    private Kernel(Command.Node shape, KernelConfig config) {
        this.shape = shape;
        this.config = config;
        this.clock = new SimClock(shape.hz());
        this.events = new EventQueue(clock);
        this.random = new RandomStreams(shape.seed());
        this.mem = new PhysMem(shape.memBytes() >>> PhysMem.PAGE_SHIFT, shape.swapBytes() >>> PhysMem.PAGE_SHIFT);
        this.mc = new MemController(shape.cpus(), mem, klog, tasks::all, this::reap);
        this.user = new UserMemory(mem, mc);
        this.slab = new SlabLayer(shape.cpus(), config, mem, mc, workqueue, events, user::ensureFreePages);
        this.cgroupFs = new CgroupFs(mc, tasks::get);
        this.cgroupFs.setKmemSlabinfo(slab::kmemSlabinfo);
        this.vfs = new Vfs(mc, cgroupFs, new ProcFs(mem, mc, slab));
        mc.oomKiller().setKillListener((victim, memcg, points) -> event(new KernelEvent.OomKill(clock.nowNs(),
                victim.pid(), victim.comm(), memcg == null ? null : memcg.path(), points)));
    }

    public static Kernel boot(Command.Node shape, KernelConfig config) {
        return new Kernel(shape, config);
    }

    public static Kernel boot() {
        return boot(Command.Node.DEFAULT, KernelConfig.DEFAULT);
    }

    public Command.Node shape() {
        return shape;
    }

    public KernelConfig config() {
        return config;
    }

    public long nowNs() {
        return clock.nowNs();
    }

    public MemController memController() {
        return mc;
    }

    public PhysMem physMem() {
        return mem;
    }

    public TaskTable tasks() {
        return tasks;
    }

    public SlabLayer slab() {
        return slab;
    }

    public RandomStreams random() {
        return random;
    }

    public long commandsApplied() {
        return commands;
    }

    /** Resolves a cgroup directory path, or null. */
    public MemCgroup resolve(String path) {
        return vfs.resolve(path);
    }

    /** Applies one command, appending its output lines (each ending in a newline) to {@code out}. */
    public void execute(Command c, StringBuilder out) {
        commands++;
        try {
            dispatch(c, out);
            runWoken();
        } catch (RuntimeException e) {
            // a defect in the model must not take the node down: report it like a kernel BUG
            klog.printk("memfleet: BUG while applying " + c + ": " + e);
            out.append("error: EFAULT\n");
        }
    }

    private void dispatch(Command c, StringBuilder out) {
        if (c instanceof Command.Mem m) {
            memOp(m, out);
        } else if (c instanceof Command.Echo e) {
            errno(out, vfs.write(e.path(), e.value()));
        } else if (c instanceof Command.Cat cat) {
            FileResult r = vfs.read(cat.path());
            if (r.errno().isError()) {
                errno(out, r.errno());
            } else {
                out.append(r.text());
            }
        } else if (c instanceof Command.Dentry d) {
            kmemOp(d.pid(), PendingOp.Kind.DENTRY, d.count(), 0, out);
        } else if (c instanceof Command.Kmalloc k) {
            kmemOp(k.pid(), PendingOp.Kind.KMALLOC, k.count(), k.size(), out);
        } else if (c instanceof Command.Tick t) {
            tick(t.durationNs());
        } else if (c instanceof Command.Print p) {
            out.append(p.text()).append('\n');
        } else if (c instanceof Command.Mkdir m) {
            errno(out, vfs.mkdir(m.path()));
        } else if (c instanceof Command.Rmdir r) {
            errno(out, vfs.rmdir(r.path()));
        } else if (c instanceof Command.Spawn s) {
            errno(out, spawn(s));
        } else if (c instanceof Command.Exit e) {
            errno(out, exit(e.pid()));
        } else if (c instanceof Command.Kill k) {
            errno(out, kill(k.pid()));
        } else if (c instanceof Command.Dmesg) {
            for (String line : klog.drain()) {
                out.append(line).append('\n');
            }
        }
    }

    private static void errno(StringBuilder out, Errno e) {
        if (e.isError()) {
            out.append("error: ").append(e.name()).append('\n');
        }
    }

    // ---- tasks --------------------------------------------------------------------------

    private Errno spawn(Command.Spawn s) {
        MemCgroup g = vfs.resolve(s.path());
        if (g == null) {
            return Errno.ENOENT;
        }
        if (s.cpu() >= shape.cpus()) {
            return Errno.EINVAL;
        }
        if (tasks.contains(s.pid())) {
            return Errno.EEXIST;
        }
        Task t = new Task(s.pid(), s.cpu(), g, tasks.nextSeq());
        tasks.add(t);
        g.tasks().add(t);
        return Errno.OK;
    }

    private Errno exit(int pid) {
        Task t = tasks.get(pid);
        if (t == null) {
            return Errno.ESRCH;
        }
        reap(t);
        return Errno.OK;
    }

    private Errno kill(int pid) {
        Task t = tasks.get(pid);
        if (t == null) {
            return Errno.ESRCH;
        }
        t.sendSigkill();
        if (t.isBlocked()) {
            // kernel: mm/memcontrol.c mem_cgroup_handle_oom(): a fatal signal ends the killable sleep
            mc.oomWait().cancel(t);
            t.pendingOps.clear();
        }
        return Errno.OK;
    }

    /** The exit path: frees anonymous memory and kmalloc objects; page cache and dentries stay. */
    // kernel: kernel/exit.c do_exit()
    private void reap(Task t) {
        if (t.exited()) {
            return;
        }
        mc.oomWait().cancel(t);
        t.pendingOps.clear();
        mc.pages().exitMm(t);
        slab.exitTask(t);
        t.memcg().tasks().remove(t);
        t.markExited();
        tasks.remove(t);
    }

    // ---- memory operations ----------------------------------------------------------------

    private void memOp(Command.Mem m, StringBuilder out) {
        Task t = tasks.get(m.pid());
        if (t == null) {
            errno(out, Errno.ESRCH);
            return;
        }
        long pages = (Math.abs(m.bytes()) + PhysMem.PAGE_SIZE - 1) >>> PhysMem.PAGE_SHIFT;
        long signed = m.bytes() < 0 ? -pages : pages;
        PendingOp.Kind kind = switch (m.kind()) {
            case ANON -> PendingOp.Kind.ANON;
            case MLOCK -> PendingOp.Kind.MLOCK;
            case FILE -> PendingOp.Kind.FILE;
        };
        runOrQueue(t, new PendingOp(kind, signed, 0, false), out);
    }

    private void kmemOp(int pid, PendingOp.Kind kind, long count, long size, StringBuilder out) {
        if (pid == Command.Kmalloc.IRQ) {
            if (count < 0) {
                slab.kfree(null, size, -count);
            } else if (slab.kmalloc(null, size, count).result() != ChargeResult.OK) {
                errno(out, Errno.ENOMEM);
            }
            return;
        }
        Task t = tasks.get(pid);
        if (t == null) {
            errno(out, Errno.ESRCH);
            return;
        }
        runOrQueue(t, new PendingOp(kind, count, size, false), out);
    }

    private void runOrQueue(Task t, PendingOp op, StringBuilder out) {
        if (t.isBlocked()) {
            t.pendingOps.add(op);
            out.append("blocked\n");
            return;
        }
        ChargeResult r = run(t, op);
        switch (r) {
            case OK, BYPASS -> { }
            case NOMEM -> {
                errno(out, Errno.ENOMEM);
                event(new KernelEvent.AllocFailure(clock.nowNs(), t.pid(), t.memcg().path(),
                        op.kind().name().toLowerCase(java.util.Locale.ROOT), requestedBytes(op)));
            }
            case KILLED -> out.append("killed\n");
            case BLOCKED -> out.append("blocked\n");
        }
    }

    /** Runs one operation; when it blocks, its remainder is queued at the head of the task's ops. */
    private ChargeResult run(Task t, PendingOp op) {
        long amount = op.amount();
        if (amount < 0) {
            switch (op.kind()) {
                case ANON, MLOCK -> mc.pages().unmapAnon(t, -amount);
                case FILE -> mc.pages().truncate(t, -amount);
                case DENTRY -> slab.dentryFree(t, -amount);
                case KMALLOC -> slab.kfree(t, op.size(), -amount);
            }
            return ChargeResult.OK;
        }
        ChargeResult result;
        long done;
        switch (op.kind()) {
            case DENTRY, KMALLOC -> {
                SlabLayer.Outcome o = op.kind() == PendingOp.Kind.DENTRY ? slab.dentryAlloc(t, amount)
                        : slab.kmalloc(t, op.size(), amount);
                result = o.result();
                done = o.done();
            }
            default -> {
                UserMemory.Outcome o = user.faultIn(t, amount, op.kind() == PendingOp.Kind.FILE,
                        op.kind() == PendingOp.Kind.MLOCK, op.resumed());
                result = o.result();
                done = o.done();
            }
        }
        if (result == ChargeResult.BLOCKED) {
            t.pendingOps.addFirst(op.withAmount(amount - done));
        } else if (result == ChargeResult.KILLED) {
            reap(t);
        }
        return result;
    }

    /** Lets tasks woken from a memcg OOM wait retry what they were doing. */
    private void runWoken() {
        for (int round = 0; round < MAX_WAKE_ROUNDS && mc.oomWait().hasWoken(); round++) {
            for (Task t : mc.oomWait().takeWoken()) {
                while (!t.exited() && !t.pendingOps.isEmpty()) {
                    PendingOp op = t.pendingOps.pollFirst();
                    if (run(t, op) == ChargeResult.BLOCKED) {
                        break;
                    }
                }
            }
        }
    }

    // ---- time ----------------------------------------------------------------------------

    /** Advances simulated time: deferred work, then due timers, then tasks with SIGKILL pending exit. */
    private void tick(long durationNs) {
        workqueue.runPending();
        events.runUntil(clock.nowNs() + durationNs);
        workqueue.runPending();
        for (Task t : tasks.snapshot()) {
            if (t.fatalSignalPending()) {
                reap(t);
            }
        }
    }

    /** Reads a file by path as `cat` would; for adapters and tests. */
    public FileResult readFile(String path) {
        return vfs.read(path);
    }

    /** Writes a file by path as `echo` would; for adapters and tests. */
    public Errno writeFile(String path, String value) {
        Errno e = vfs.write(path, value);
        runWoken();
        return e;
    }

    /** The bytes an operation asked for: pages, dentries or kmalloc objects times their size. */
    private static long requestedBytes(PendingOp op) {
        return switch (op.kind()) {
            case ANON, MLOCK, FILE -> op.amount() * PhysMem.PAGE_SIZE;
            case DENTRY -> op.amount() * io.memfleet.kernel.slab.SlabGeometry.DENTRY_SIZE;
            case KMALLOC -> op.amount() * op.size();
        };
    }

    private void event(KernelEvent e) {
        if (kernelEvents.size() < MAX_PENDING_EVENTS) {
            kernelEvents.add(e);
        }
    }

    /** OOM kills and allocation failures since the last call, oldest first. */
    public List<KernelEvent> drainEvents() {
        if (kernelEvents.isEmpty()) {
            return List.of();
        }
        List<KernelEvent> out = new ArrayList<>(kernelEvents);
        kernelEvents.clear();
        return out;
    }

}
