package io.memfleet.kernel.memcg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Live tasks by pid, iterated in creation order (the kernel's task list order). */
public final class TaskTable {
    private final Map<Integer, Task> byPid = new LinkedHashMap<>();
    long nextSeq;

    public Task get(int pid) {
        return byPid.get(pid);
    }

    public boolean contains(int pid) {
        return byPid.containsKey(pid);
    }

    public long nextSeq() {
        return nextSeq++;
    }

    public void add(Task t) {
        byPid.put(t.pid(), t);
    }

    public void remove(Task t) {
        byPid.remove(t.pid(), t);
    }

    public Iterable<Task> all() {
        return byPid.values();
    }

    /** A copy, for loops that may remove tasks. */
    public List<Task> snapshot() {
        return new ArrayList<>(byPid.values());
    }

    public int size() {
        return byPid.size();
    }
}
