package io.memfleet.kernel;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.api.FileText;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.KernelEvent;
import io.memfleet.kernel.api.Result;
import io.memfleet.kernel.fs.CgroupFs;
import io.memfleet.kernel.fs.FileResult;
import io.memfleet.kernel.image.NodeImage;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemcgCharger;
import io.memfleet.kernel.memcg.MemcgDying;
import io.memfleet.kernel.memcg.MemcgEvents;
import io.memfleet.kernel.memcg.MemcgMoveCharge;
import io.memfleet.kernel.memcg.MemcgPages;
import io.memfleet.kernel.memcg.MemcgReclaim;
import io.memfleet.kernel.memcg.MemcgStock;
import io.memfleet.kernel.memcg.MemcgThresholds;
import io.memfleet.kernel.memcg.OomKiller;
import io.memfleet.kernel.memcg.ShmPages;
import io.memfleet.kernel.memcg.SockMem;
import io.memfleet.kernel.memcg.TaskTable;
import io.memfleet.kernel.mm.Klog;
import io.memfleet.kernel.mm.PhysMem;
import io.memfleet.kernel.sim.EventQueue;
import io.memfleet.kernel.sim.SimClock;
import io.memfleet.kernel.sim.StateReader;
import io.memfleet.kernel.sim.StateWriter;
import io.memfleet.kernel.sim.Workqueue;
import io.memfleet.kernel.slab.SlabLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated node: Linux 3.3 with the memory controller and the memcg kmem v2 series, SLAB,
 * x86_64, 4 KiB pages. Commands in, typed results out: {@link #apply} runs one command and says
 * what happened; {@link #image} is an immutable picture of the node for telemetry and dumps.
 * Single-threaded and deterministic: the same shape, seed and commands give the same results and
 * images, whichever process runs them. Nothing thrown escapes {@link #apply}.
 */
public final class Kernel {
    private static final int MAX_PENDING_EVENTS = 10_000;

    private final Command.Node shape;
    private final KernelConfig config;
    private final SimClock clock;
    private final EventQueue events;
    private final Workqueue workqueue = new Workqueue();
    private final Klog klog = new Klog();
    private final PhysMem mem;
    private final SwapFile swap;
    /** The first defect of the model met (see {@link #bug()}); not part of a checkpoint. */
    private String bug;
    private final TaskTable tasks = new TaskTable();
    private final MemController mc;
    private final MemcgEvents memcgEvents;
    private final MemcgReclaim reclaim;
    private final SlabLayer slab;
    private final Vfs vfs;
    private final TaskOps ops;
    private final UserMemory user;
    private final ImageBuilder images;
    private long commands;
    /** Events for telemetry, drained by {@link #drainEvents()}. */
    private final List<KernelEvent> kernelEvents = new ArrayList<>();
    /** Events raised by the command being applied. */
    private final List<KernelEvent> commandEvents = new ArrayList<>();

    private Kernel(Command.Node shape, KernelConfig config) {
        this.shape = shape;
        this.config = config;
        this.clock = new SimClock(shape.hz());
        this.events = new EventQueue(clock);
        this.mem = new PhysMem(shape.memBytes() >>> PhysMem.PAGE_SHIFT, shape.swapBytes() >>> PhysMem.PAGE_SHIFT);
        this.mc = new MemController(shape.cpus(), mem, klog, tasks::all, t -> ops().reap(t));
        this.memcgEvents = mc.events();
        this.reclaim = mc.reclaim();
        MemcgStock stock = mc.stock();
        MemcgCharger charger = mc.charger();
        MemcgPages pages = mc.pages();
        MemcgThresholds thresholds = mc.thresholds();
        OomKiller oom = mc.oomKiller();
        ShmPages shm = mc.shm();
        SockMem sockMem = mc.sockMem();
        MemcgDying dying = mc.dying();
        SteadyFaults.Node steady = new SteadyFaults.Node(mc, tasks, thresholds, stock, mem, klog,
                () -> slabLayer().unusedDentries());
        this.user = new UserMemory(mc.root(), stock, charger, reclaim, oom, pages, shm, steady);
        this.slab = new SlabLayer(shape.cpus(), config, mem, charger, mc.oomWait(), dying, workqueue, events,
                user::ensureFreePages);
        if (config.kmemAccounting()) {
            mc.setKmemHooks(slab.kmemHooks());
        }
        reclaim.setSlabShrinker(slab::shrinkSlab);
        this.images = new ImageBuilder(mc, dying, sockMem, slab, mem);
        this.vfs = new Vfs(mc, new CgroupFs(mc, thresholds, sockMem, tasks::get),
                new ProcFs(mc, oom, pages, slab, images, tasks::get), images);
        this.ops = new TaskOps(shape.cpus(), clock, tasks, mc, mc.oomWait(), memcgEvents, pages, shm, sockMem, user, slab,
                this::event);
        this.swap = new SwapFile(mem, mc, stock, charger, pages, shm, user, tasks);
        listen(thresholds, oom);
    }

    /** Threshold and OOM notifications come back with the command's result; OOM kills also go to telemetry. */
    private void listen(MemcgThresholds thresholds, OomKiller oom) {
        thresholds.setListener((g, file, threshold) -> {
            String path = (g.isRoot() ? "" : g.path()) + "/" + file;
            return notification(file.equals(MemcgThresholds.OOM_CONTROL) ? new KernelEvent.OomNotify(clock.nowNs(), path)
                    : new KernelEvent.Threshold(clock.nowNs(), path, threshold));
        });
        oom.setKillListener((victim, memcg, points) -> event(new KernelEvent.OomKill(clock.nowNs(),
                victim.pid(), victim.comm(), memcg == null ? null : memcg.path(), points)));
    }

    private TaskOps ops() {
        return ops;
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

    /** The first defect of the model this node ran into (a BUG line in its log), or null. */
    public String bug() {
        return bug;
    }

    /** Applies one command. A node shape cannot be applied to a booted node (EINVAL). */
    public Result apply(Command c) {
        commands++;
        klog.mark();
        mem.startCommand();
        if (!commandEvents.isEmpty()) {
            commandEvents.clear();
        }
        memcgEvents.setCurrentCpu(MemcgMoveCharge.SHELL_CPU);
        Result r;
        try {
            r = dispatch(c);
            ops.runWoken();
        } catch (RuntimeException e) {
            // a defect in the model must not take the node down: report it like a kernel BUG
            klog.printk("memfleet: BUG while applying " + c + ": " + e);
            if (bug == null) {
                bug = c + ": " + e;
            }
            r = Result.of(Errno.EFAULT);
        }
        return r.with(klog.recent(), commandEvents);
    }

    private Result dispatch(Command c) {
        if (c instanceof Command.Mem m) {
            return ops.memOp(m);
        } else if (c instanceof Command.Kmalloc k) {
            return ops.kmemOp(k.pid(), PendingOp.Kind.KMALLOC, k.count(), k.size());
        } else if (c instanceof Command.Dentry d) {
            return ops.kmemOp(d.pid(), PendingOp.Kind.DENTRY, d.count(), 0);
        } else if (c instanceof Command.Tick t) {
            return tick(t.durationNs());
        } else if (c instanceof Command.Echo e) {
            return Result.of(vfs.write(e.path(), e.value()));
        } else if (c instanceof Command.Cat cat) {
            return read(cat.path());
        } else if (c instanceof Command.Print p) {
            return Result.text(p.text() + "\n");
        } else if (c instanceof Command.Mkdir m) {
            return Result.of(vfs.mkdir(m.path()));
        } else if (c instanceof Command.Rmdir r) {
            return Result.of(vfs.rmdir(r.path()));
        } else if (c instanceof Command.Spawn s) {
            return Result.of(ops.spawn(s, vfs.resolve(s.path())));
        } else if (c instanceof Command.Watch w) {
            return Result.of(vfs.watch(w.path(), w.threshold()));
        } else if (c instanceof Command.Swapoff) {
            return Result.of(swap.swapoff());
        } else if (c instanceof Command.Swapon) {
            return Result.of(swap.swapon());
        } else if (c instanceof Command.Fork f) {
            return Result.of(ops.fork(f));
        } else if (c instanceof Command.Exit e) {
            return Result.of(ops.exit(e.pid()));
        } else if (c instanceof Command.Kill k) {
            return Result.of(ops.kill(k.pid()));
        } else if (c instanceof Command.Dmesg) {
            return Result.text(dmesg());
        }
        return Result.of(Errno.EINVAL); // a node shape: only before the node boots
    }

    private Result read(String path) {
        FileResult f = vfs.read(path);
        return f.errno().isError() ? Result.of(f.errno()) : Result.text(f.text());
    }

    private String dmesg() {
        StringBuilder sb = new StringBuilder();
        for (String line : klog.drain()) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /**
     * Advances simulated time: deferred work, then due timers, then tasks with SIGKILL pending exit.
     * Timers run a round (2 s) at a time; once the node is idle the rest of the tick's reap firings
     * are skipped to where they would leave it, so a tick's cost is bounded by the work there is to
     * do, not by its length. A tick past the end of simulated time (2^63 ns) is E2BIG.
     */
    private Result tick(long durationNs) {
        if (durationNs > Long.MAX_VALUE - clock.nowNs()) {
            return Result.of(Errno.E2BIG);
        }
        workqueue.runPending();
        long end = clock.nowNs() + durationNs;
        while (true) {
            long round = end - clock.nowNs() <= 2 * ROUND_NS ? end : clock.nowNs() + ROUND_NS;
            events.runUntil(round);
            if (round == end) {
                break;
            }
            if (slab.skipIdleReaps(end)) {
                events.runUntil(end);
                break;
            }
        }
        workqueue.runPending();
        ops.reapKilled();
        return Result.OK;
    }

    private static final long ROUND_NS = 2 * SimClock.NSEC_PER_SEC;

    /** An immutable picture of the node now: every cgroup, cache and the node's memory. */
    public NodeImage image() {
        return images.node(clock.nowNs(), commands, tasks.size());
    }

    private void event(KernelEvent e) {
        if (kernelEvents.size() < MAX_PENDING_EVENTS) {
            kernelEvents.add(e);
        }
        if (commandEvents.size() < MAX_PENDING_EVENTS) {
            commandEvents.add(e);
        }
    }

    /** A watcher's eventfd signalled: shown with the command's result, not sent as telemetry. False: no room left. */
    private boolean notification(KernelEvent e) {
        if (commandEvents.size() < MAX_PENDING_EVENTS) {
            commandEvents.add(e);
            return true;
        }
        return false;
    }

    /** Every control file of every cgroup and /proc/{meminfo,slabinfo}, as the kernel prints them, sorted by path. */
    public List<FileText> dump() {
        return io.memfleet.kernel.fs.ControlFiles.dump(image());
    }

    /** OOM kills and allocation failures since the last call, oldest first. */
    public List<KernelEvent> drainEvents() {
        if (kernelEvents.isEmpty()) {
            return List.of();
        }
        List<KernelEvent> out = List.copyOf(kernelEvents);
        kernelEvents.clear();
        return out;
    }

    /**
     * The node's whole state as bytes (a checkpoint): {@link #restore} of them gives a node that
     * answers every later command exactly as this one would.
     */
    public byte[] checkpoint() {
        return KernelState.save(this);
    }

    /** A node rebuilt from a {@link #checkpoint()}; a corrupt or foreign checkpoint throws IllegalStateException. */
    public static Kernel restore(byte[] checkpoint) {
        return KernelState.restore(checkpoint);
    }

    void saveFacade(StateWriter w) {
        w.u(commands);
        long[] c = mem.counters();
        w.longs(c, c.length);
        w.u(klog.unread().size());
        for (String line : klog.unread()) {
            w.str(line);
        }
        w.u(klog.dropped());
        KernelState.saveEvents(kernelEvents, w);
    }

    void restoreFacadeInto(StateReader r) {
        commands = r.u();
        long[] counters = r.longs();
        if (counters.length != mem.counters().length) {
            throw new StateReader.CorruptStateException(counters.length + " memory counters, this kernel keeps "
                    + mem.counters().length);
        }
        mem.restoreCounters(counters);
        int lines = r.i();
        List<String> unread = new ArrayList<>(lines);
        for (int i = 0; i < lines; i++) {
            unread.add(r.str());
        }
        klog.restore(unread, r.u());
        kernelEvents.clear();
        kernelEvents.addAll(KernelState.restoreEvents(r));
    }

    MemController memcg() {
        return mc;
    }

    TaskTable taskTable() {
        return tasks;
    }

    SlabLayer slabLayer() {
        return slab;
    }

    EventQueue eventQueue() {
        return events;
    }

    Workqueue work() {
        return workqueue;
    }

    TaskOps taskOps() {
        return ops;
    }

    /**
     * For tests: off, faults charge page by page, a long page-cache stream runs turn by turn instead
     * of skipping its repeating periods, and swap-out scans walk each LRU from its old end instead of
     * from its cursor, and every reap firing visits every slab cache; the results and the state are
     * the same.
     */
    void setFaultShortcuts(boolean on) {
        user.setShortcuts(on);
        reclaim.setScanCursor(on);
        slab.setEagerReap(!on);
    }

    /** Turns of the fault loop since boot: what faults cost, for tests that bound a command's work. */
    long faultTurns() {
        return user.turns();
    }

    /** The live internals, for the kernel's own tests and microbenchmarks; not for the layers above. */
    public Internals internals() {
        return new Internals(mc, slab, mem, tasks);
    }

    /** The parts a microbenchmark or an invariant check reaches into. */
    public record Internals(MemController memController, SlabLayer slab, PhysMem physMem, TaskTable tasks) { }
}
