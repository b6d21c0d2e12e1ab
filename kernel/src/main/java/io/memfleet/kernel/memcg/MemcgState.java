package io.memfleet.kernel.memcg;

import io.memfleet.kernel.sim.StateReader;
import io.memfleet.kernel.sim.StateWriter;
import java.util.List;

/**
 * The memory controller's part of a kernel checkpoint: the cgroup tree with its counters, flags
 * and statistics, every live task, the page runs in both of their orders (the task's and the
 * cgroup's LRU), the per-CPU stock and the OOM waiters. Runs are written once and referred to by
 * index, so a run that sits on a task's list and on an LRU comes back as one object.
 */
public final class MemcgState {
    private static final long MARK = 0x6d656d6367L; // "memcg"

    private MemcgState() {
    }

    public static void save(MemController mc, TaskTable tasks, StateWriter w) {
        w.u(MARK);
        w.u(mc.all.size());
        for (MemCgroup g : mc.all) {
            w.u(g.id());
            w.str(g.name());
            w.u(g.isRoot() ? 0 : g.parent().id());
            saveGroup(g, w);
        }
        saveDying(mc.dying, w);
        w.u(tasks.nextSeq);
        w.u(tasks.size());
        for (Task t : tasks.all()) {
            w.u(t.pid());
            w.u(t.cpu());
            w.u(t.createdSeq());
            w.u(t.memcg().id());
            w.bool(t.fatalSignalPending);
            w.s(t.oomScoreAdj);
            w.u(t.parent() == null ? 0 : t.parent().pid());
        }
        List<MemCgroup> groups = mc.allWithDying();
        RunState.saveAnonRuns(groups, tasks, w);
        RunState.saveFileRuns(mc, groups, tasks, w);
        RunState.saveShmRuns(groups, tasks, w);
        w.u(mc.shm().seq);
        w.u(mc.pages().fileSeq);
        MemcgStock stock = mc.stock();
        for (int cpu = 0; cpu < stock.cached.length; cpu++) {
            w.u(stock.cached[cpu] == null ? 0 : stock.cached[cpu].id());
            w.u(stock.nrPages[cpu]);
        }
        MemcgOomWait wait = mc.oomWait();
        w.u(wait.waiters.size());
        for (MemcgOomWait.Waiter x : wait.waiters) {
            w.u(x.task().pid());
            w.u(x.memcg().id());
            w.bool(x.locked());
        }
        w.u(wait.woken.size());
        for (Task t : wait.woken) {
            w.u(t.pid());
        }
        SockState.save(mc, tasks, w);
        NotifyState.save(mc, w);
    }

    private static void saveGroup(MemCgroup g, StateWriter w) {
        w.u(g.flags);
        w.u(g.swappiness);
        w.u(g.moveChargeAtImmigrate);
        w.u(g.underOom);
        w.longs(g.stat, g.stat.length);
        for (ResCounter c : new ResCounter[] {g.res, g.memsw, g.kmem}) {
            saveCounter(c, w);
        }
        w.u(g.slabPins);
        w.u(g.childPins);
    }

    private static void restoreGroup(MemCgroup g, StateReader r) {
        g.flags = r.i();
        g.swappiness = r.i();
        g.moveChargeAtImmigrate = r.i();
        g.underOom = r.i();
        long[] stat = r.longs();
        System.arraycopy(stat, 0, g.stat, 0, g.stat.length);
        for (ResCounter c : new ResCounter[] {g.res, g.memsw, g.kmem}) {
            restoreCounter(c, r);
        }
        g.slabPins = r.i();
        g.childPins = r.i();
    }

    /**
     * Dying groups, the last removed first (a group's chained parent, which the group holds, was
     * removed after it, so it comes back first): css id, name, the path it had, the group its
     * counters are chained to (0: none), then what a live group saves.
     */
    private static void saveDying(MemcgDying dying, StateWriter w) {
        w.u(dying.dying.size());
        for (int k = dying.dying.size() - 1; k >= 0; k--) {
            MemCgroup g = dying.dying.get(k);
            w.u(g.id());
            w.str(g.name());
            w.str(g.path());
            MemCgroup chained = g.parentMemcg();
            w.u(chained == null ? 0 : chained.id());
            saveGroup(g, w);
        }
        w.u(dying.mkdirEnospc);
    }

    private static void restoreDying(MemcgDying dying, MemCgroup[] byId, StateReader r) {
        int n = r.i();
        MemCgroup[] removed = new MemCgroup[n];
        for (int k = n - 1; k >= 0; k--) {
            int id = r.i();
            String name = r.str();
            String path = r.str();
            int chainedTo = r.i();
            if (id <= MemCgroup.ROOT_ID || id > MemController.MAX_CSS_ID || byId[id] != null) {
                throw new StateReader.CorruptStateException("dying group with css id " + id);
            }
            MemCgroup parent = chainedTo == 0 ? null : lookup(byId, chainedTo);
            MemCgroup g = new MemCgroup(id, name, parent, parent != null);
            g.restorePath(path);
            g.removed = true;
            restoreGroup(g, r);
            byId[id] = g;
            dying.usedIds.set(id);
            removed[k] = g;
        }
        dying.dying.clear();
        dying.dying.addAll(java.util.Arrays.asList(removed));
        dying.mkdirEnospc = r.u();
    }

    private static void saveCounter(ResCounter c, StateWriter w) {
        w.s(c.usage);
        w.s(c.maxUsage);
        w.s(c.limit);
        w.s(c.softLimit);
        w.u(c.failcnt);
    }

    private static void restoreCounter(ResCounter c, StateReader r) {
        c.usage = r.s();
        c.maxUsage = r.s();
        c.limit = r.s();
        c.softLimit = r.s();
        c.failcnt = r.u();
    }








    /** Rebuilds the memory controller of a freshly booted kernel from what {@link #save} wrote. */
    public static void restore(MemController mc, TaskTable tasks, StateReader r) {
        r.expect(MARK, "memcg");
        int groups = r.i();
        MemCgroup[] byId = new MemCgroup[MemController.MAX_CSS_ID + 1];
        mc.clearLive();
        mc.dying.usedIds.clear();
        mc.root().clearChildren();
        for (int k = 0; k < groups; k++) {
            int id = r.i();
            String name = r.str();
            int parentId = r.i();
            MemCgroup g;
            if (parentId == 0) {
                g = mc.root();
            } else {
                MemCgroup parent = lookup(byId, parentId);
                g = new MemCgroup(id, name, parent);
                parent.addChild(g);
            }
            byId[id] = g;
            mc.addLive(g);
            mc.dying.usedIds.set(id);
            restoreGroup(g, r);
        }
        restoreDying(mc.dying, byId, r);
        tasks.nextSeq = r.u();
        int n = r.i();
        for (int k = 0; k < n; k++) {
            int pid = r.i();
            int cpu = r.i();
            long seq = r.u();
            MemCgroup g = lookup(byId, r.i());
            Task t = new Task(pid, cpu, g, seq);
            t.fatalSignalPending = r.bool();
            t.oomScoreAdj = (int) r.s();
            int parent = r.i();
            if (parent != 0) {
                t.setParent(tasks.get(parent)); // a parent is older than its child: restored before it
            }
            tasks.add(t);
            g.tasks().add(t);
        }
        List<MemCgroup> holders = mc.allWithDying();
        RunState.restoreAnonRuns(holders, tasks, byId, r);
        RunState.restoreFileRuns(holders, tasks, byId, r);
        RunState.restoreShmRuns(holders, tasks, byId, r);
        mc.shm().seq = r.u();
        mc.pages().fileSeq = r.u();
        MemcgStock stock = mc.stock();
        for (int cpu = 0; cpu < stock.cached.length; cpu++) {
            int id = r.i();
            stock.cached[cpu] = id == 0 ? null : lookup(byId, id);
            stock.nrPages[cpu] = r.u();
        }
        MemcgOomWait wait = mc.oomWait();
        wait.waiters.clear();
        int waiters = r.i();
        for (int k = 0; k < waiters; k++) {
            Task t = task(tasks, r.i());
            wait.waiters.add(new MemcgOomWait.Waiter(t, lookup(byId, r.i()), r.bool()));
        }
        wait.woken.clear();
        int woken = r.i();
        for (int k = 0; k < woken; k++) {
            wait.woken.add(task(tasks, r.i()));
        }
        SockState.restore(mc, tasks, r);
        NotifyState.restore(mc, r);
    }




    static MemCgroup lookup(MemCgroup[] byId, int id) {
        MemCgroup g = id < byId.length ? byId[id] : null;
        if (g == null) {
            throw new StateReader.CorruptStateException("no cgroup with css id " + id);
        }
        return g;
    }

    static Task task(TaskTable tasks, int pid) {
        Task t = tasks.get(pid);
        if (t == null) {
            throw new StateReader.CorruptStateException("no task " + pid);
        }
        return t;
    }
}
