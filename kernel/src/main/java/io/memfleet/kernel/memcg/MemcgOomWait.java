package io.memfleet.kernel.memcg;

import java.util.ArrayList;
import java.util.List;

/**
 * Tasks sleeping in a memcg OOM (oom_kill_disable set): each waits on the cgroup whose limit was
 * hit, which with its subtree is marked under_oom. {@link #recover} wakes the waiters related to a
 * cgroup; woken tasks are handed out by {@link #takeWoken()} to retry their charge.
 */
public final class MemcgOomWait {
    /** A sleeping task, the group whose OOM it sleeps in, and whether it holds that hierarchy's OOM lock. */
    record Waiter(Task task, MemCgroup memcg, boolean locked) { }

    final List<Waiter> waiters = new ArrayList<>();
    final List<Task> woken = new ArrayList<>();

    // kernel: mm/memcontrol.c mem_cgroup_mark_under_oom()
    void sleep(Task t, MemCgroup memcg, boolean locked) {
        for (MemCgroup m : memcg.tree()) {
            m.underOom++;
        }
        waiters.add(new Waiter(t, memcg, locked));
    }

    /** Whether no sleeping task holds the OOM lock of a hierarchy overlapping this group's. */
    // kernel: mm/memcontrol.c mem_cgroup_oom_lock()
    boolean oomLockFree(MemCgroup memcg) {
        for (Waiter w : waiters) {
            if (w.locked && (w.memcg.tree().contains(memcg) || memcg.tree().contains(w.memcg))) {
                return false;
            }
        }
        return true;
    }

    // kernel: mm/memcontrol.c memcg_oom_recover()
    public void recover(MemCgroup memcg) {
        if (memcg == null || memcg.underOom == 0 || waiters.isEmpty()) {
            return;
        }
        wakeRelated(memcg); // kernel: mm/memcontrol.c memcg_oom_wake_function() picks the related waiters
    }

    /**
     * Removes a task from the wait (it was killed or exited while asleep). Leaving the OOM handler
     * drops its OOM lock and wakes the waiters of related groups, which retry.
     */
    // kernel: mm/memcontrol.c mem_cgroup_handle_oom() after schedule(): mem_cgroup_oom_unlock(), memcg_wakeup_oom()
    public void cancel(Task t) {
        for (int i = 0; i < waiters.size(); i++) {
            if (waiters.get(i).task == t) {
                MemCgroup memcg = waiters.remove(i).memcg;
                unmark(memcg);
                wakeRelated(memcg);
                return;
            }
        }
        woken.remove(t);
    }

    // kernel: mm/memcontrol.c memcg_wakeup_oom()
    private void wakeRelated(MemCgroup memcg) {
        for (int i = 0; i < waiters.size(); i++) {
            Waiter w = waiters.get(i);
            if (w.memcg.sameOrSubtree(memcg) || memcg.sameOrSubtree(w.memcg)) {
                waiters.remove(i--);
                unmark(w.memcg);
                woken.add(w.task);
            }
        }
    }

    // kernel: mm/memcontrol.c mem_cgroup_unmark_under_oom()
    private static void unmark(MemCgroup memcg) {
        for (MemCgroup m : memcg.tree()) {
            if (m.underOom > 0) {
                m.underOom--;
            }
        }
    }

    /** Tasks woken since the last call, in wake order. */
    public List<Task> takeWoken() {
        if (woken.isEmpty()) {
            return List.of();
        }
        List<Task> out = new ArrayList<>(woken);
        woken.clear();
        return out;
    }

    public boolean hasWoken() {
        return !woken.isEmpty();
    }
}
