package io.memfleet.kernel;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.api.KernelEvent;
import io.memfleet.kernel.api.Result;
import io.memfleet.kernel.memcg.ChargeResult;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemcgEvents;
import io.memfleet.kernel.memcg.MemcgOomWait;
import io.memfleet.kernel.memcg.MemcgPages;
import io.memfleet.kernel.memcg.ShmPages;
import io.memfleet.kernel.memcg.SockMem;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.memcg.TaskTable;
import io.memfleet.kernel.mm.PhysMem;
import io.memfleet.kernel.sim.SimClock;
import io.memfleet.kernel.slab.SlabGeometry;
import io.memfleet.kernel.slab.SlabLayer;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What tasks do: spawn, exit, kill, and their memory operations (faults, page-cache reads,
 * dentries, kmalloc) with the outcomes SIM-SCRIPT.md distinguishes. A task that sleeps in a memcg
 * OOM wait keeps the rest of its operation, and any later one, in its queue of pending operations
 * until it is woken.
 */
final class TaskOps {
    private static final int MAX_WAKE_ROUNDS = 10_000;

    private final int cpus;
    private final SimClock clock;
    private final TaskTable tasks;
    private final MemController mc;
    private final MemcgOomWait oomWait;
    private final MemcgEvents memcgEvents;
    private final MemcgPages memcgPages;
    private final ShmPages shm;
    private final SockMem sockMem;
    private final UserMemory user;
    private final SlabLayer slab;
    private final Consumer<KernelEvent> events;
    /** Operations of blocked tasks, the one that blocked first; looked up by task, never iterated. */
    private final Map<Task, ArrayDeque<PendingOp>> pending = new IdentityHashMap<>();

    TaskOps(int cpus, SimClock clock, TaskTable tasks, MemController mc, MemcgOomWait oomWait, MemcgEvents memcgEvents,
            MemcgPages memcgPages, ShmPages shm, SockMem sockMem, UserMemory user, SlabLayer slab,
            Consumer<KernelEvent> events) {
        this.cpus = cpus;
        this.clock = clock;
        this.tasks = tasks;
        this.mc = mc;
        this.oomWait = oomWait;
        this.memcgEvents = memcgEvents;
        this.memcgPages = memcgPages;
        this.shm = shm;
        this.sockMem = sockMem;
        this.user = user;
        this.slab = slab;
        this.events = events;
    }

    Map<Task, ArrayDeque<PendingOp>> pending() {
        return pending;
    }

    private boolean isBlocked(Task t) {
        ArrayDeque<PendingOp> q = pending.get(t);
        return q != null && !q.isEmpty();
    }

    // kernel: kernel/fork.c copy_process() for a task placed in a cgroup
    Errno spawn(Command.Spawn s, MemCgroup g) {
        if (g == null) {
            return Errno.ENOENT;
        }
        if (s.cpu() >= cpus) {
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

    // kernel: kernel/fork.c copy_process(): the child joins the parent's cgroup, inherits oom_score_adj (copy_signal)
    Errno fork(Command.Fork f) {
        Task parent = tasks.get(f.parent());
        if (parent == null || parent.exited()) {
            return Errno.ESRCH;
        }
        if (tasks.contains(f.child())) {
            return Errno.EEXIST;
        }
        Task t = new Task(f.child(), parent.cpu(), parent.memcg(), tasks.nextSeq());
        t.setParent(parent);
        t.setOomScoreAdj(parent.oomScoreAdj());
        tasks.add(t);
        parent.memcg().tasks().add(t);
        return Errno.OK;
    }

    Errno exit(int pid) {
        Task t = tasks.get(pid);
        if (t == null) {
            return Errno.ESRCH;
        }
        reap(t);
        return Errno.OK;
    }

    Errno kill(int pid) {
        Task t = tasks.get(pid);
        if (t == null) {
            return Errno.ESRCH;
        }
        t.sendSigkill();
        if (isBlocked(t)) {
            // kernel: mm/memcontrol.c mem_cgroup_handle_oom(): a fatal signal ends the killable sleep
            oomWait.cancel(t);
            pending.remove(t);
        }
        return Errno.OK;
    }

    /** The exit path: frees anonymous memory and kmalloc objects; page cache and dentries stay. */
    // kernel: kernel/exit.c do_exit()
    void reap(Task t) {
        if (t.exited()) {
            return;
        }
        if (!t.memdie) {
            memcgEvents.setCurrentCpu(t.cpu()); // do_exit() runs on the task's CPU; an OOM victim is reaped by its killer
        }
        oomWait.cancel(t);
        pending.remove(t);
        memcgPages.exitMm(t);
        shm.detach(t);
        sockMem.close(t);
        slab.exitTask(t);
        t.memcg().tasks().remove(t);
        t.markExited();
        tasks.remove(t);
        if (t.hasChildren()) {
            for (Task c : tasks.all()) {
                if (c.parent() == t) {
                    c.setParent(null); // kernel: kernel/exit.c forget_original_parent(): reparented to init
                }
            }
        }
        t.setParent(null);
    }

    /** Tasks with a fatal signal pending exit (at a tick). */
    void reapKilled() {
        for (Task t : tasks.snapshot()) {
            if (t.fatalSignalPending()) {
                reap(t);
            }
        }
    }

    /**
     * What one command may cost, checked before it runs (budgets of the simulator, not rules of
     * 3.3: a larger request fails with E2BIG): pages faulted in or read by one anon, mlock or file
     * command (256 GiB), and objects allocated by one kmalloc or dentry command.
     */
    static final long MAX_PAGES_PER_COMMAND = 1L << 26;
    static final long MAX_OBJECTS_PER_COMMAND = 1L << 24;

    Result memOp(Command.Mem m) {
        Task t = tasks.get(m.pid());
        long pages = (Math.abs(m.bytes()) + PhysMem.PAGE_SIZE - 1) >>> PhysMem.PAGE_SHIFT;
        if (t == null && m.kind() == Command.MemKind.SHM && m.bytes() < 0) {
            // the segments an exited task left stay until released by its pid (they have no IPC_RMID yet)
            return Result.of(shm.releaseLeftover(m.pid(), mc.allWithDying(), pages) < 0 ? Errno.ESRCH : Errno.OK);
        }
        if (t == null) {
            return Result.of(Errno.ESRCH);
        }
        if (m.bytes() > 0 && pages > MAX_PAGES_PER_COMMAND) {
            return Result.of(Errno.E2BIG);
        }
        PendingOp.Kind kind = switch (m.kind()) {
            case ANON -> PendingOp.Kind.ANON;
            case MLOCK -> PendingOp.Kind.MLOCK;
            case FILE -> PendingOp.Kind.FILE;
            case TCP -> PendingOp.Kind.TCP;
            case MMAP -> PendingOp.Kind.MMAP;
            case SHM -> PendingOp.Kind.SHM;
        };
        long amount = kind == PendingOp.Kind.TCP ? m.bytes() : m.bytes() < 0 ? -pages : pages; // tcp counts bytes
        return runOrQueue(t, new PendingOp(kind, amount, 0, false));
    }

    Result kmemOp(int pid, PendingOp.Kind kind, long count, long size) {
        if (count > MAX_OBJECTS_PER_COMMAND) {
            return Result.of(Errno.E2BIG);
        }
        if (pid == Command.Kmalloc.IRQ) {
            if (count < 0) {
                slab.kfree(null, size, -count);
                return Result.OK;
            }
            return slab.kmalloc(null, size, count, false).result() == ChargeResult.OK ? Result.OK : Result.NOMEM;
        }
        Task t = tasks.get(pid);
        if (t == null) {
            return Result.of(Errno.ESRCH);
        }
        return runOrQueue(t, new PendingOp(kind, count, size, false));
    }

    private Result runOrQueue(Task t, PendingOp op) {
        if (isBlocked(t)) {
            pending.get(t).add(op);
            return Result.BLOCKED;
        }
        return switch (run(t, op)) {
            case OK, BYPASS -> Result.OK;
            case NOMEM -> {
                events.accept(new KernelEvent.AllocFailure(clock.nowNs(), t.pid(), t.memcg().path(),
                        op.kind().name().toLowerCase(Locale.ROOT), requestedBytes(op)));
                yield Result.NOMEM;
            }
            case KILLED -> Result.KILLED;
            case BLOCKED -> Result.BLOCKED;
        };
    }

    /** Runs one operation; when it blocks, its remainder is queued at the head of the task's ops. */
    private ChargeResult run(Task t, PendingOp op) {
        memcgEvents.setCurrentCpu(t.cpu());
        long amount = op.amount();
        if (amount < 0) {
            switch (op.kind()) {
                case ANON, MLOCK -> memcgPages.unmapAnon(t, -amount);
                case FILE -> memcgPages.truncate(t, -amount);
                case TCP -> sockMem.consume(t, -amount);
                case MMAP -> memcgPages.unmapFile(t, -amount);
                case SHM -> shm.release(t, -amount, mc.allWithDying());
                case DENTRY -> slab.dentryFree(t, -amount);
                case KMALLOC -> slab.kfree(t, op.size(), -amount);
            }
            return ChargeResult.OK;
        }
        ChargeResult result;
        long done;
        switch (op.kind()) {
            case TCP -> {
                result = sockMem.receive(t, amount) ? ChargeResult.OK : ChargeResult.NOMEM;
                done = 0;
            }
            case DENTRY, KMALLOC -> {
                SlabLayer.Outcome o = op.kind() == PendingOp.Kind.DENTRY ? slab.dentryAlloc(t, amount, op.resumed())
                        : slab.kmalloc(t, op.size(), amount, op.resumed());
                result = o.result();
                done = o.done();
            }
            default -> {
                UserMemory.Outcome o = user.faultIn(t, amount, op.kind(), op.resumed());
                result = o.result();
                done = o.done();
            }
        }
        if (result == ChargeResult.BLOCKED) {
            pending.computeIfAbsent(t, k -> new ArrayDeque<>()).addFirst(op.withAmount(amount - done));
        } else if (result == ChargeResult.KILLED) {
            reap(t);
        }
        return result;
    }

    /** Lets tasks woken from a memcg OOM wait retry what they were doing. */
    void runWoken() {
        for (int round = 0; round < MAX_WAKE_ROUNDS && oomWait.hasWoken(); round++) {
            for (Task t : oomWait.takeWoken()) {
                ArrayDeque<PendingOp> q = pending.remove(t);
                while (q != null && !t.exited() && !q.isEmpty()) {
                    PendingOp op = q.pollFirst();
                    if (run(t, op) == ChargeResult.BLOCKED) {
                        ArrayDeque<PendingOp> again = pending.get(t);
                        again.addAll(q); // the ops behind the one that blocked again keep their order
                        break;
                    }
                }
            }
        }
    }

    /** The bytes an operation asked for: pages, dentries or kmalloc objects times their size. */
    private static long requestedBytes(PendingOp op) {
        return switch (op.kind()) {
            case ANON, MLOCK, FILE, MMAP, SHM -> op.amount() * PhysMem.PAGE_SIZE;
            case TCP -> op.amount();
            case DENTRY -> op.amount() * SlabGeometry.DENTRY_SIZE;
            case KMALLOC -> op.amount() * op.size();
        };
    }

    /** Pending operations of each blocked task, in task-list order (for checkpoints). */
    List<Task> blockedTasks() {
        List<Task> out = new java.util.ArrayList<>();
        for (Task t : tasks.all()) {
            if (isBlocked(t)) {
                out.add(t);
            }
        }
        return out;
    }
}
