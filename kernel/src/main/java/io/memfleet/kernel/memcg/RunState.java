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
 * The page runs' part of a memory controller checkpoint, in both of their orders (the task's and
 * the group's LRU), for the live groups and then the dying ones. Runs are written once and
 * referred to by index, so a run that sits on a task's list and on an LRU comes back as one
 * object.
 */
final class RunState {
    private RunState() {
    }

    /**
     * A page-cache run's group: a live or dying group by css id; a freed one (a mapping's extent
     * outliving the group its pages were charged to, whose pages rmdir moved) as 0 and its index
     * among the freed groups met so far, so that distinct freed groups stay distinct.
     */
    private static void writeGroupRef(MemCgroup g, Map<MemCgroup, Integer> ghosts, StateWriter w) {
        if (!g.freed) {
            w.u(g.id());
            return;
        }
        w.u(0);
        Integer k = ghosts.get(g);
        if (k == null) {
            k = ghosts.size();
            ghosts.put(g, k);
        }
        w.u(k);
    }

    private static MemCgroup readGroupRef(MemCgroup[] byId, List<MemCgroup> ghosts, StateReader r) {
        int id = r.i();
        if (id != 0) {
            return MemcgState.lookup(byId, id);
        }
        int k = r.i();
        if (k > ghosts.size()) {
            throw new StateReader.CorruptStateException("freed group " + k + " out of order");
        }
        if (k == ghosts.size()) {
            ghosts.add(MemCgroup.freedGhost());
        }
        return ghosts.get(k);
    }

    static void saveAnonRuns(List<MemCgroup> groups, TaskTable tasks, StateWriter w) {
        Map<AnonRun, Integer> index = new IdentityHashMap<>();
        List<AnonRun> table = new ArrayList<>();
        for (MemCgroup g : groups) {
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
        for (MemCgroup g : groups) {
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

    static void saveFileRuns(MemController mc, List<MemCgroup> groups, TaskTable tasks, StateWriter w) {
        List<FileRun> table = fileRunTable(mc, tasks);
        Map<FileRun, Integer> index = new IdentityHashMap<>();
        for (FileRun r : table) {
            index.put(r, index.size());
        }
        w.u(table.size());
        Map<MemCgroup, Integer> ghosts = new IdentityHashMap<>();
        for (FileRun r : table) {
            writeGroupRef(r.memcg, ghosts, w);
            w.u(r.owner == null ? 0 : r.owner.pid());
            w.u(r.pages);
            w.u(r.mapped);
            w.u(r.extent);
            w.u(r.seq);
        }
        for (MemCgroup g : groups) {
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

    static void saveShmRuns(List<MemCgroup> groups, TaskTable tasks, StateWriter w) {
        Map<ShmRun, Integer> index = new IdentityHashMap<>();
        List<ShmRun> table = new ArrayList<>();
        for (MemCgroup g : groups) {
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
        for (MemCgroup g : groups) {
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

    static void restoreShmRuns(List<MemCgroup> groups, TaskTable tasks, MemCgroup[] byId, StateReader r) {
        int n = r.i();
        ShmRun[] table = new ShmRun[n];
        for (int k = 0; k < n; k++) {
            MemCgroup g = MemcgState.lookup(byId, r.i());
            int pid = r.i();
            ShmRun run = new ShmRun(pid == 0 ? null : MemcgState.task(tasks, pid), r.i(), r.u(), g);
            run.resident = r.u();
            run.swapped = r.u();
            run.mapped = r.u();
            table[k] = run;
        }
        for (MemCgroup g : groups) {
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

    static void restoreAnonRuns(List<MemCgroup> groups, TaskTable tasks, MemCgroup[] byId, StateReader r) {
        int n = r.i();
        AnonRun[] table = new AnonRun[n];
        for (int k = 0; k < n; k++) {
            MemCgroup g = MemcgState.lookup(byId, r.i());
            Task owner = MemcgState.task(tasks, r.i());
            AnonRun run = new AnonRun(owner, g, r.bool());
            run.resident = r.u();
            run.swapped = r.u();
            table[k] = run;
        }
        for (MemCgroup g : groups) {
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

    static void restoreFileRuns(List<MemCgroup> groups, TaskTable tasks, MemCgroup[] byId, StateReader r) {
        int n = r.i();
        FileRun[] table = new FileRun[n];
        List<MemCgroup> ghosts = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            MemCgroup g = readGroupRef(byId, ghosts, r);
            int pid = r.i();
            FileRun run = new FileRun(pid == 0 ? null : MemcgState.task(tasks, pid), g, 0);
            run.pages = r.u();
            run.mapped = r.u();
            run.extent = r.u();
            run.seq = r.u();
            table[k] = run;
        }
        for (MemCgroup g : groups) {
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
}
