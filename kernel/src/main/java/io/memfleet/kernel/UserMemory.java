package io.memfleet.kernel;

import io.memfleet.kernel.image.StatItem;
import io.memfleet.kernel.memcg.ChargeMode;
import io.memfleet.kernel.memcg.ChargeResult;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.MemcgCharger;
import io.memfleet.kernel.memcg.MemcgPages;
import io.memfleet.kernel.memcg.MemcgReclaim;
import io.memfleet.kernel.memcg.MemcgStock;
import io.memfleet.kernel.memcg.OomKiller;
import io.memfleet.kernel.memcg.ShmPages;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.mm.PhysMem;

/**
 * User page faults and page-cache reads, page by page as the kernel charges them: a free page
 * from the node (global reclaim, then the global OOM killer), then the memcg charge. Runs of
 * stock hits are taken in bulk, which is the same as that many one-page charges; so are runs of
 * exact charges in a group at its limit (each page its batch refused, no reclaim), and a long
 * page-cache stream skips the periods in which its loop repeats ({@link SteadyFaults}). The work
 * of a fault is then bounded by the node and its groups, not by the size of the request.
 */
final class UserMemory {
    private final PhysMem mem;
    private final MemCgroup root;
    private final MemcgStock stock;
    private final MemcgCharger charger;
    private final MemcgReclaim reclaim;
    private final OomKiller oom;
    private final MemcgPages memcgPages;
    private final ShmPages shm;
    private final SteadyFaults.Node steadyNode;
    /**
     * Whether a turn of the fault loop charges the run of exact charges the next turns would make,
     * and a repeating page-cache stream is skipped by whole periods (off: page by page and turn by
     * turn, the reference the tests compare them with).
     */
    private boolean shortcuts = true;
    /** Turns of the fault loop run since boot: the work faults cost (a diagnostic, not kernel state). */
    private long turns;

    UserMemory(MemCgroup root, MemcgStock stock, MemcgCharger charger, MemcgReclaim reclaim, OomKiller oom,
               MemcgPages memcgPages, ShmPages shm, SteadyFaults.Node steadyNode) {
        this.mem = steadyNode.mem();
        this.root = root;
        this.stock = stock;
        this.charger = charger;
        this.reclaim = reclaim;
        this.oom = oom;
        this.memcgPages = memcgPages;
        this.shm = shm;
        this.steadyNode = steadyNode;
    }

    void setShortcuts(boolean on) {
        shortcuts = on;
    }

    long turns() {
        return turns;
    }

    /** The result of a memory operation and how many pages it completed. */
    record Outcome(ChargeResult result, long done) { }

    /**
     * Makes at least one page free on the node, reclaiming or OOM-killing if needed.
     * Returns OK, KILLED (the current task was the victim) or NOMEM (nothing to kill).
     */
    // kernel: mm/page_alloc.c __alloc_pages_slowpath()
    ChargeResult ensureFreePage(Task current, int gfpMask) {
        while (mem.freePages() == 0) {
            if (reclaim.globalReclaim(MemcgReclaim.SWAP_CLUSTER_MAX, 0) > 0) {
                continue;
            }
            Task victim = oom.outOfMemory(current, gfpMask);
            if (victim == null) {
                return ChargeResult.NOMEM;
            }
            if (victim == current) {
                return ChargeResult.KILLED;
            }
        }
        return ChargeResult.OK;
    }

    /** Makes {@code pages} pages free; orders above PAGE_ALLOC_COSTLY_ORDER fail instead of OOM-killing. */
    // kernel: mm/page_alloc.c __alloc_pages_slowpath() for a slab allocation
    ChargeResult ensureFreePages(Task current, long pages, int order) {
        while (mem.freePages() < pages) {
            if (reclaim.globalReclaim(Math.max(pages, MemcgReclaim.SWAP_CLUSTER_MAX), order) > 0) {
                continue;
            }
            if (order > 3) {
                return ChargeResult.NOMEM;
            }
            Task victim = oom.outOfMemory(current, OomKiller.GFP_KERNEL);
            if (victim == null) {
                return ChargeResult.NOMEM;
            }
            if (victim == current) {
                return ChargeResult.KILLED;
            }
        }
        return ChargeResult.OK;
    }

    /**
     * Faults in {@code pages} pages of {@code kind} for {@code t}: anonymous (mlocked), page cache
     * read, a mapped file's pages (major faults: each is read), or shared memory.
     * {@code exactFirst} makes the first charge skip the batch, as the retry after an OOM wait does.
     */
    // kernel: mm/memory.c do_anonymous_page() / mm/filemap.c add_to_page_cache_locked(), filemap_fault() / mm/shmem.c shmem_fault()
    Outcome faultIn(Task t, long pages, PendingOp.Kind kind, boolean exactFirst) {
        boolean anon = kind == PendingOp.Kind.ANON || kind == PendingOp.Kind.MLOCK;
        boolean pageCache = kind == PendingOp.Kind.FILE || kind == PendingOp.Kind.MMAP;
        SteadyFaults steady = shortcuts && pageCache && SteadyFaults.worthWatching(pages)
                ? new SteadyFaults(steadyNode, t, pages) : null;
        try {
            return faultIn(t, pages, kind, exactFirst, anon, steady);
        } finally {
            if (steady != null) {
                steady.stop();
            }
        }
    }

    private Outcome faultIn(Task t, long pages, PendingOp.Kind kind, boolean exactFirst, boolean anon,
                            SteadyFaults steady) {
        long done = 0;
        boolean exact = exactFirst;
        while (done < pages) {
            turns++;
            if (t.exited()) {
                return new Outcome(ChargeResult.KILLED, done);
            }
            // kernel: mm/memory.c do_anonymous_page() alloc_zeroed_user_highpage_movable(); filemap: page_cache_alloc_cold()
            ChargeResult page = ensureFreePage(t, anon ? OomKiller.GFP_HIGHUSER_MOVABLE | OomKiller.GFP_ZERO
                    : OomKiller.GFP_HIGHUSER_MOVABLE);
            if (page != ChargeResult.OK) {
                return new Outcome(page, done);
            }
            long want = Math.min(pages - done, mem.freePages());
            MemCgroup cg = t.memcg();
            MemCgroup target = cg;
            long granted;
            boolean chargedEach = false;
            if (t.fatalSignalPending() || cg.isRoot()) {
                target = root;
                granted = want;
            } else {
                granted = stock.consumeUpTo(t.cpu(), cg, want);
                if (granted == 0) {
                    ChargeResult r = charger.tryCharge(t, t.cpu(), cg, 1, ChargeMode.batchUnless(exact),
                            OomKiller.GFP_KERNEL);
                    exact = false;
                    switch (r) {
                        case OK -> {
                            // the faults after it, while they would charge page by page without reclaim
                            granted = 1 + (shortcuts ? charger.chargeEach(t, t.cpu(), cg, want - 1) : 0);
                            chargedEach = true;
                        }
                        case BYPASS -> {
                            target = root;
                            granted = 1;
                        }
                        default -> {
                            return new Outcome(r, done);
                        }
                    }
                }
            }
            commit(t, target, granted, kind, chargedEach);
            done += granted;
            if (steady != null && done < pages) {
                done = steady.turn(done, exact);
            }
        }
        return new Outcome(ChargeResult.OK, done);
    }

    /** The charged pages become the kind's pages, with the fault and I/O events their path counts. */
    private void commit(Task t, MemCgroup target, long n, PendingOp.Kind kind, boolean chargedEach) {
        if (kind != PendingOp.Kind.FILE) {
            t.memcg().addStat(StatItem.PGFAULT, n); // mem_cgroup_count_vm_event(PGFAULT) in handle_mm_fault()
            mem.countFaults(n);
        }
        switch (kind) {
            case FILE -> {
                mem.countPagesIn(n);
                memcgPages.commitCache(t, target, n, chargedEach);
            }
            case MMAP -> {
                t.memcg().addStat(StatItem.PGMAJFAULT, n); // filemap_fault() read the page: VM_FAULT_MAJOR
                mem.countMajorFaults(n);
                mem.countPagesIn(n);
                memcgPages.commitMapped(t, target, n, chargedEach);
            }
            case SHM -> shm.commit(t, target, n, chargedEach);
            default -> memcgPages.commitAnon(t, target, n, kind == PendingOp.Kind.MLOCK, chargedEach);
        }
    }
}
