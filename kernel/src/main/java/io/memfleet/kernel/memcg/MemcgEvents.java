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
    /** Events from one check to the next. */
    private static final long CHECK_STRIDE = THRESHOLDS_EVENTS_TARGET + 1;
    /** Checks from one soft-limit check to the next: the first check past the soft-limit target. */
    private static final long SOFT_STRIDE = SOFTLIMIT_EVENTS_TARGET / CHECK_STRIDE + 1;

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
        countRun(memcg, pages, false, sign, resFirst, memswFirst);
    }

    /**
     * {@link #count} for pages just committed after their charge (sign -1). {@code chargedEach}:
     * they were charged one at a time, each just before it is counted (a run of exact charges in a
     * group at its limit), so a check sees the counters, the statistics and the soft-limit excess
     * without the pages after its own. One step is exact because such a run is at most
     * CHARGE_BATCH pages long (after its first page, {@link MemcgCharger#chargeEach} charges a page
     * exactly only while less than a batch of room is left, and each takes a page of that room),
     * far fewer than the 129 events from one check to the next: at most one check falls in it.
     */
    // kernel: mm/memcontrol.c __mem_cgroup_commit_charge() memcg_check_events()
    void countCommitted(MemCgroup memcg, long pages, boolean chargedEach) {
        countRun(memcg, pages, chargedEach, -1, false, false);
    }

    private void countRun(MemCgroup memcg, long pages, boolean chargedEach, int sign, boolean resFirst,
                          boolean memswFirst) {
        if (pages <= 0) {
            return;
        }
        if (memcg.events == null) {
            memcg.events = new long[3 * cpus];
        }
        long[] ev = memcg.events;
        int b = 3 * currentCpu;
        long softNext = ev[b + 2];
        long lastCheck = advance(ev, b, pages);
        if (lastCheck < 0) {
            return;
        }
        long ahead = ev[b] - lastCheck;
        if (chargedEach) {
            thresholds.thresholds(memcg, -ahead, -ahead, -ahead);
        } else {
            thresholds.thresholds(memcg, sign * ahead, resFirst ? ahead + 1 : 0, memswFirst ? ahead + 1 : 0);
        }
        if (ev[b + 2] != softNext) {
            softLimit.updateTree(memcg, chargedEach ? ahead : 0);
        }
    }

    /**
     * Counts {@code pages} events into the counter at {@code ev[b]} with its threshold target at
     * {@code b + 1} and its soft-limit target at {@code b + 2}; returns the last event that was a
     * check (-1: none). A check falls on the first event past the threshold target, which then
     * moves 128 on, so checks are 129 events apart whatever the runs the events come in; a check
     * past the soft-limit target is a soft-limit check too (its target moves 1024 on), so those
     * are every eighth check. That makes a run of any length one step.
     */
    // kernel: mm/memcontrol.c mem_cgroup_event_ratelimit()
    static long advance(long[] ev, int b, long pages) {
        long end = ev[b] + pages;
        long first = Math.max(ev[b], ev[b + 1]) + 1;
        ev[b] = end;
        if (first > end) {
            return -1;
        }
        long checks = (end - first) / CHECK_STRIDE;
        long last = first + checks * CHECK_STRIDE;
        ev[b + 1] = last + THRESHOLDS_EVENTS_TARGET;
        long softNext = ev[b + 2];
        long firstSoft = softNext < first ? 0 : (softNext - first) / CHECK_STRIDE + 1;
        if (firstSoft <= checks) {
            long lastSoft = firstSoft + (checks - firstSoft) / SOFT_STRIDE * SOFT_STRIDE;
            ev[b + 2] = first + lastSoft * CHECK_STRIDE + SOFTLIMIT_EVENTS_TARGET;
        }
        return last;
    }

    /**
     * Whether a check of this group's events can act: some group its counters are chained to has
     * usage thresholds, a soft limit or a place on the soft-limit tree. When none can, the checks
     * change nothing but the counter's own targets.
     */
    static boolean checksAct(MemCgroup memcg) {
        for (MemCgroup g = memcg; g != null; g = g.parentMemcg()) {
            MemcgThresholds.Registry reg = g.notify;
            if (reg != null && (reg.usage.entries.length > 0 || reg.memsw.entries.length > 0)) {
                return true;
            }
            if (g.onSoftTree || g.res.softLimit != ResCounter.RESOURCE_MAX) {
                return true;
            }
        }
        return false;
    }
}
