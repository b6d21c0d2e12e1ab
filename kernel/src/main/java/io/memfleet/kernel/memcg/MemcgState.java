package io.memfleet.kernel.memcg;

import io.memfleet.kernel.sim.StateReader;
import io.memfleet.kernel.sim.StateWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
            w.u(g.flags);
            w.u(g.swappiness);
            w.u(g.moveChargeAtImmigrate);
            w.u(g.underOom);
            w.longs(g.stat, g.stat.length);
            for (ResCounter c : new ResCounter[] {g.res, g.memsw, g.kmem}) {
                saveCounter(c, w);
            }
        }
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
        saveAnonRuns(mc, tasks, w);
        saveFileRuns(mc, tasks, w);
        saveShmRuns(mc, tasks, w);
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

    private static void saveAnonRuns(MemController mc, TaskTable tasks, StateWriter w) {
        Map<AnonRun, Integer> index = new IdentityHashMap<>();
        List<AnonRun> table = new ArrayList<>();
        for (MemCgroup g : mc.all) {
            for (AnonRun r : g.anonRuns) {
                index.computeIfAbsent(r, k -> add(table, k));
            }
        }
        for (Task t : tasks.all()) {
            for (AnonRun r : t.anon) {
                index.computeIfAbsent(r, k -> add(table, k));
            }
        }
        w.u(table.size());
        for (AnonRun r : table) {
            w.u(r.memcg.id());
            w.u(r.owner.pid());
            w.bool(r.locked);
            w.u(r.resident);
            w.u(r.swapped);
        }
        for (MemCgroup g : mc.all) {
            w.u(g.anonRuns.size());
            for (AnonRun r : g.anonRuns) {
                w.u(index.get(r));
            }
        }
        for (Task t : tasks.all()) {
            w.u(t.anon.size());
            for (AnonRun r : t.anon) {
                w.u(index.get(r));
            }
        }
    }

    /**
     * Every page-cache run once, in the order a checkpoint's run table holds them: each group's LRU,
     * then each task's reads and mappings, a run met again skipped.
     */
    static List<FileRun> fileRunTable(MemController mc, TaskTable tasks) {
        Set<FileRun> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<FileRun> table = new ArrayList<>();
        for (MemCgroup g : mc.all) {
            addNew(g.fileRuns, seen, table);
        }
        for (Task t : tasks.all()) {
            addNew(t.files, seen, table);
            addNew(t.mmaps, seen, table);
        }
        return table;
    }

    private static void addNew(Iterable<FileRun> runs, Set<FileRun> seen, List<FileRun> table) {
        for (FileRun r : runs) {
            if (seen.add(r)) {
                table.add(r);
            }
        }
    }

    private static void saveFileRuns(MemController mc, TaskTable tasks, StateWriter w) {
        List<FileRun> table = fileRunTable(mc, tasks);
        Map<FileRun, Integer> index = new IdentityHashMap<>();
        for (FileRun r : table) {
            index.put(r, index.size());
        }
        w.u(table.size());
        for (FileRun r : table) {
            w.u(r.memcg.id());
            w.u(r.owner == null ? 0 : r.owner.pid());
            w.u(r.pages);
            w.u(r.mapped);
            w.u(r.extent);
            w.u(r.seq);
        }
        for (MemCgroup g : mc.all) {
            w.u(g.fileRuns.size());
            for (FileRun r : g.fileRuns) {
                w.u(index.get(r));
            }
        }
        for (Task t : tasks.all()) {
            w.u(t.files.size());
            for (FileRun r : t.files) {
                w.u(index.get(r));
            }
            w.u(t.mmaps.size());
            for (FileRun r : t.mmaps) {
                w.u(index.get(r));
            }
        }
    }

    private static void saveShmRuns(MemController mc, TaskTable tasks, StateWriter w) {
        Map<ShmRun, Integer> index = new IdentityHashMap<>();
        List<ShmRun> table = new ArrayList<>();
        for (MemCgroup g : mc.all) {
            for (ShmRun r : g.shmRuns) {
                index.computeIfAbsent(r, k -> add(table, k));
            }
        }
        w.u(table.size());
        for (ShmRun r : table) {
            w.u(r.memcg.id());
            w.u(r.owner == null ? 0 : r.owner.pid());
            w.u(r.creator);
            w.u(r.seq);
            w.u(r.resident);
            w.u(r.swapped);
            w.u(r.mapped);
        }
        for (MemCgroup g : mc.all) {
            w.u(g.shmRuns.size());
            for (ShmRun r : g.shmRuns) {
                w.u(index.get(r));
            }
        }
        for (Task t : tasks.all()) {
            w.u(t.shm.size());
            for (ShmRun r : t.shm) {
                w.u(index.get(r));
            }
        }
    }

    private static void restoreShmRuns(MemController mc, TaskTable tasks, MemCgroup[] byId, StateReader r) {
        int n = r.i();
        ShmRun[] table = new ShmRun[n];
        for (int k = 0; k < n; k++) {
            MemCgroup g = lookup(byId, r.i());
            int pid = r.i();
            ShmRun run = new ShmRun(pid == 0 ? null : task(tasks, pid), r.i(), r.u(), g);
            run.resident = r.u();
            run.swapped = r.u();
            run.mapped = r.u();
            table[k] = run;
        }
        for (MemCgroup g : mc.all) {
            int m = r.i();
            for (int k = 0; k < m; k++) {
                g.shmRuns.add(entry(table, r.i()));
            }
        }
        for (Task t : tasks.all()) {
            int m = r.i();
            for (int k = 0; k < m; k++) {
                t.shm.add(entry(table, r.i()));
            }
        }
    }

    private static <T> int add(List<T> table, T run) {
        table.add(run);
        return table.size() - 1;
    }

    /** Rebuilds the memory controller of a freshly booted kernel from what {@link #save} wrote. */
    public static void restore(MemController mc, TaskTable tasks, StateReader r) {
        r.expect(MARK, "memcg");
        int groups = r.i();
        MemCgroup[] byId = new MemCgroup[MemController.MAX_CSS_ID + 1];
        mc.all.clear();
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
            mc.all.add(g);
            mc.dying.usedIds.set(id);
            g.flags = r.i();
            g.swappiness = r.i();
            g.moveChargeAtImmigrate = r.i();
            g.underOom = r.i();
            long[] stat = r.longs();
            System.arraycopy(stat, 0, g.stat, 0, g.stat.length);
            for (ResCounter c : new ResCounter[] {g.res, g.memsw, g.kmem}) {
                restoreCounter(c, r);
            }
        }
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
        restoreAnonRuns(mc, tasks, byId, r);
        restoreFileRuns(mc, tasks, byId, r);
        restoreShmRuns(mc, tasks, byId, r);
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

    private static void restoreAnonRuns(MemController mc, TaskTable tasks, MemCgroup[] byId, StateReader r) {
        int n = r.i();
        AnonRun[] table = new AnonRun[n];
        for (int k = 0; k < n; k++) {
            MemCgroup g = lookup(byId, r.i());
            Task owner = task(tasks, r.i());
            AnonRun run = new AnonRun(owner, g, r.bool());
            run.resident = r.u();
            run.swapped = r.u();
            table[k] = run;
        }
        for (MemCgroup g : mc.all) {
            int m = r.i();
            for (int k = 0; k < m; k++) {
                g.anonRuns.add(entry(table, r.i()));
            }
        }
        for (Task t : tasks.all()) {
            int m = r.i();
            for (int k = 0; k < m; k++) {
                t.anon.add(entry(table, r.i()));
            }
        }
    }

    private static void restoreFileRuns(MemController mc, TaskTable tasks, MemCgroup[] byId, StateReader r) {
        int n = r.i();
        FileRun[] table = new FileRun[n];
        for (int k = 0; k < n; k++) {
            MemCgroup g = lookup(byId, r.i());
            int pid = r.i();
            FileRun run = new FileRun(pid == 0 ? null : task(tasks, pid), g, 0);
            run.pages = r.u();
            run.mapped = r.u();
            run.extent = r.u();
            run.seq = r.u();
            table[k] = run;
        }
        for (MemCgroup g : mc.all) {
            int m = r.i();
            for (int k = 0; k < m; k++) {
                g.fileRuns.add(entry(table, r.i()));
            }
        }
        for (Task t : tasks.all()) {
            int m = r.i();
            for (int k = 0; k < m; k++) {
                t.files.add(entry(table, r.i()));
            }
            m = r.i();
            for (int k = 0; k < m; k++) {
                FileRun run = entry(table, r.i());
                run.mapping = true;
                t.mmaps.add(run);
            }
        }
    }

    private static <T> T entry(T[] table, int i) {
        if (i >= table.length) {
            throw new StateReader.CorruptStateException("run index " + i + " out of range");
        }
        return table[i];
    }

    private static MemCgroup lookup(MemCgroup[] byId, int id) {
        MemCgroup g = id < byId.length ? byId[id] : null;
        if (g == null) {
            throw new StateReader.CorruptStateException("no cgroup with css id " + id);
        }
        return g;
    }

    private static Task task(TaskTable tasks, int pid) {
        Task t = tasks.get(pid);
        if (t == null) {
            throw new StateReader.CorruptStateException("no task " + pid);
        }
        return t;
    }
}
