package io.memfleet.kernel.memcg;

import io.memfleet.kernel.mm.PhysMem;

/**
 * The memcg charge path of 3.3 as patched by v2 04/13 and 05/13: bypass for dying tasks, the
 * per-CPU stock with CHARGE_BATCH pages, a retry with the exact size after a failed batch, limit
 * reclaim, MEM_CGROUP_RECLAIM_RETRIES rounds, then the memcg OOM killer or, with
 * oom_kill_disable, a sleep until the cgroup recovers.
 */
public final class MemcgCharger {
    public static final int CHARGE_BATCH = 32;
    static final int MEM_CGROUP_RECLAIM_RETRIES = 5;
    private static final long PAGE = PhysMem.PAGE_SIZE;

    private enum DoCharge { OK, RETRY, NOMEM, OOM_FAILED, OOM_DIE, BLOCKED }

    private final MemcgStock stock;
    private final MemcgReclaim reclaim;
    private final OomKiller oom;
    private final MemcgOomWait oomWait;
    private final MemcgThresholds thresholds;

    MemcgCharger(MemcgStock stock, MemcgReclaim reclaim, OomKiller oom, MemcgOomWait oomWait,
                 MemcgThresholds thresholds) {
        this.stock = stock;
        this.reclaim = reclaim;
        this.oom = oom;
        this.oomWait = oomWait;
        this.thresholds = thresholds;
    }

    /** Pages that can be charged to the group's own counters before a limit is hit. */
    // kernel: mm/memcontrol.c mem_cgroup_margin()
    static long margin(MemCgroup memcg) {
        long m = Math.min(memcg.res.margin(), memcg.memsw.margin());
        return m >>> PhysMem.PAGE_SHIFT;
    }

    /**
     * Charges {@code nrPages} to {@code memcg} for {@code current} (running on {@code cpu}).
     *
     * @param mode    whether the OOM killer may run and whether to start with a batch
     * @param gfpMask the allocation's gfp flags, as the OOM report prints them
     */
    // kernel: mm/memcontrol.c __mem_cgroup_try_charge()
    public ChargeResult tryCharge(Task current, int cpu, MemCgroup memcg, long nrPages, ChargeMode mode,
                                  int gfpMask) {
        if (current != null && current.fatalSignalPending()) {
            return ChargeResult.BYPASS;
        }
        if (memcg.isRoot()) {
            return ChargeResult.OK;
        }
        long batch = mode.exactSize ? nrPages : Math.max(CHARGE_BATCH, nrPages);
        int nrOomRetries = MEM_CGROUP_RECLAIM_RETRIES;
        while (true) {
            if (stock.consumeStock(cpu, memcg, nrPages)) {
                return ChargeResult.OK;
            }
            DoCharge ret;
            do {
                if (current != null && current.fatalSignalPending()) {
                    return ChargeResult.BYPASS;
                }
                boolean oomCheck = false;
                if (mode.mayOom && nrOomRetries == 0) {
                    oomCheck = true;
                    nrOomRetries = MEM_CGROUP_RECLAIM_RETRIES;
                }
                ret = doCharge(current, memcg, batch, nrPages, oomCheck, gfpMask);
                switch (ret) {
                    case NOMEM -> {
                        if (!mode.mayOom) {
                            return ChargeResult.NOMEM;
                        }
                        nrOomRetries--;
                    }
                    case OOM_FAILED -> {
                        return ChargeResult.NOMEM;
                    }
                    case OOM_DIE -> {
                        return ChargeResult.KILLED;
                    }
                    case BLOCKED -> {
                        return ChargeResult.BLOCKED;
                    }
                    default -> { }
                }
            } while (ret == DoCharge.NOMEM);
            if (ret == DoCharge.OK) {
                break;
            }
            batch = nrPages; // CHARGE_RETRY: again with the exact size
        }
        if (batch > nrPages) {
            stock.refillStock(cpu, memcg, batch - nrPages);
        }
        return ChargeResult.OK;
    }

    /**
     * Charges up to {@code most} more pages one at a time, as the faults after a page charged by
     * {@link #tryCharge} would charge them while nothing else changes: while the stock cannot serve
     * the group and every counter up its chain has room for one page, each charge is a batch
     * refused (failcnt, the counters' peaks) and the page taken exactly, without reclaim. Stops
     * before a page whose batch would be taken (every counter with room for it: the usual charge
     * takes it and fills the stock) or one that would need reclaim. Returns the pages charged.
     */
    public long chargeEach(Task current, int cpu, MemCgroup memcg, long most) {
        long n = 0;
        while (n < most && (stock.cached(cpu) != memcg || stock.nrPages(cpu) == 0)) {
            long res = memcg.res.hierarchicalMargin();
            long memsw = memcg.memsw.hierarchicalMargin();
            if (res < PAGE || memsw < PAGE) {
                break;
            }
            if (res >= CHARGE_BATCH * PAGE && memsw >= CHARGE_BATCH * PAGE) {
                break; // this page's batch would be taken: the usual charge takes it (and the run stays all exact)
            }
            if (tryCharge(current, cpu, memcg, 1, ChargeMode.BATCH, OomKiller.GFP_KERNEL) != ChargeResult.OK) {
                throw new IllegalStateException("a charge with room failed in " + memcg);
            }
            n++;
        }
        return n;
    }

    // kernel: mm/memcontrol.c mem_cgroup_do_charge()
    private DoCharge doCharge(Task current, MemCgroup memcg, long csizePages, long minPages, boolean oomCheck,
                              int gfpMask) {
        long bytes = csizePages * PAGE;
        int flags = 0;
        MemCgroup overLimit;
        ResCounter fail = memcg.res.charge(bytes);
        if (fail == null) {
            fail = memcg.memsw.charge(bytes);
            if (fail == null) {
                return DoCharge.OK;
            }
            memcg.res.uncharge(bytes);
            overLimit = ownerOf(memcg, fail);
            flags |= MemcgReclaim.RECLAIM_NOSWAP;
        } else {
            overLimit = ownerOf(memcg, fail);
        }
        if (csizePages > minPages) {
            return DoCharge.RETRY;
        }
        long reclaimed = reclaim.reclaim(overLimit, flags);
        if (margin(overLimit) >= minPages) {
            return DoCharge.RETRY;
        }
        // v2 05/13 compares pages with PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER: true for any real size
        if (reclaimed > 0) {
            return DoCharge.RETRY;
        }
        if (!oomCheck) {
            return DoCharge.NOMEM;
        }
        return handleOom(current, overLimit, gfpMask);
    }

    /**
     * The OOM of a group: the task that takes the hierarchy's OOM lock notifies the watchers, then
     * kills, or sleeps when the OOM killer is disabled; a task that finds the lock taken (another
     * task sleeps in an OOM of an overlapping hierarchy) sleeps without notifying.
     */
    // kernel: mm/memcontrol.c mem_cgroup_handle_oom()
    private DoCharge handleOom(Task current, MemCgroup memcg, int gfpMask) {
        boolean locked = oomWait.oomLockFree(memcg);
        if (locked) {
            thresholds.oomNotify(memcg);
        }
        if (!locked || memcg.oomKillDisable()) {
            if (current == null) {
                return DoCharge.OOM_FAILED; // no task to put to sleep (kernel context): the charge fails
            }
            oomWait.sleep(current, memcg, locked);
            return DoCharge.BLOCKED;
        }
        Task victim = oom.memcgOutOfMemory(current, memcg, gfpMask);
        if (victim == null) {
            // only unkillable tasks (oom_score_adj -1000) or none: 3.3 would retry for ever; the model fails the charge
            return DoCharge.OOM_FAILED;
        }
        if (victim == current) {
            return DoCharge.OOM_DIE;
        }
        oomWait.recover(memcg);
        return DoCharge.RETRY;
    }

    /** The cgroup whose counter refused the charge (mem_cgroup_from_res_counter). */
    private static MemCgroup ownerOf(MemCgroup start, ResCounter fail) {
        for (MemCgroup m = start; m != null; m = m.parent()) {
            if (m.res == fail || m.memsw == fail || m.kmem == fail) {
                return m;
            }
        }
        return start;
    }

    /** Uncharges whole pages from res and memsw (kmem and cancelled charges). */
    // kernel: mm/memcontrol.c __mem_cgroup_cancel_charge()
    public void cancelCharge(MemCgroup memcg, long nrPages) {
        if (!memcg.isRoot()) {
            memcg.res.uncharge(nrPages * PAGE);
            memcg.memsw.uncharge(nrPages * PAGE);
            oomWait.recover(memcg);
        }
    }
}
