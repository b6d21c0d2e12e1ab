package io.memfleet.kernel.memcg;

/**
 * The per-CPU event counter of every group (MEM_CGROUP_EVENTS_COUNT: one per page charged,
 * uncharged or moved) and the checks it rate-limits: thresholds when the counter passes the
 * CPU's target (then 128 further), and, only then, the soft-limit tree (1024 further). Work runs
 * on the current CPU, which whoever enters the memory controller sets: a task's own CPU, or the
 * writer's for cgroupfs and the shell's commands.
 */
public final class MemcgEvents {
    static final long THRESHOLDS_EVENTS_TARGET = 128;
    static final long SOFTLIMIT_EVENTS_TARGET = 1024;

    private final int cpus;
    private final MemcgThresholds thresholds;
    private final SoftLimitTree softLimit;
    private int currentCpu;

    MemcgEvents(int cpus, MemcgThresholds thresholds, SoftLimitTree softLimit) {
        this.cpus = cpus;
        this.thresholds = thresholds;
        this.softLimit = softLimit;
    }

    /** smp_processor_id() for the work that follows. */
    public void setCurrentCpu(int cpu) {
        currentCpu = cpu;
    }

    /**
     * Counts {@code pages} events of {@code memcg} on the current CPU, checking after each page as
     * memcg_check_events() does; the checks that fall inside the run act once, as of the last of
     * them. The run's statistics are already counted, so the root's summed usage is corrected back
     * to that page: {@code sign} is -1 for pages charged, +1 for pages uncharged, 0 for a move; when
     * the res (and memsw) counters were uncharged for the whole run first, a group's usage is
     * corrected back to the page too, whose own uncharge came after its check.
     */
    // kernel: mm/memcontrol.c mem_cgroup_charge_statistics() events, memcg_check_events(), mem_cgroup_event_ratelimit()
    void count(MemCgroup memcg, long pages, int sign, boolean resFirst, boolean memswFirst) {
        if (pages <= 0) {
            return;
        }
        if (memcg.events == null) {
            memcg.events = new long[3 * cpus];
        }
        long[] ev = memcg.events;
        int b = 3 * currentCpu;
        long end = ev[b] + pages;
        long next = ev[b + 1];
        long softNext = ev[b + 2];
        long lastCheck = -1;
        boolean soft = false;
        for (long v = Math.max(ev[b], next) + 1; v <= end; v = next + 1) {
            lastCheck = v;
            if (softNext - v < 0) {
                softNext = v + SOFTLIMIT_EVENTS_TARGET;
                soft = true;
            }
            next = v + THRESHOLDS_EVENTS_TARGET;
        }
        ev[b] = end;
        ev[b + 1] = next;
        ev[b + 2] = softNext;
        if (lastCheck >= 0) {
            long ahead = end - lastCheck;
            thresholds.thresholds(memcg, sign * ahead, resFirst ? ahead + 1 : 0, memswFirst ? ahead + 1 : 0);
            if (soft) {
                softLimit.updateTree(memcg);
            }
        }
    }
}
