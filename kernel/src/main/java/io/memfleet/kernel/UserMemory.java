package io.memfleet.kernel;

import io.memfleet.kernel.image.StatItem;
import io.memfleet.kernel.memcg.ChargeResult;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemcgReclaim;
import io.memfleet.kernel.memcg.OomKiller;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.mm.PhysMem;

/**
 * User page faults and page-cache reads, page by page as the kernel charges them: a free page
 * from the node (global reclaim, then the global OOM killer), then the memcg charge. Runs of
 * stock hits are taken in bulk, which is the same as that many one-page charges.
 */
final class UserMemory {
    private final PhysMem mem;
    private final MemController mc;

    UserMemory(PhysMem mem, MemController mc) {
        this.mem = mem;
        this.mc = mc;
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
            if (mc.reclaim().globalReclaim(MemcgReclaim.SWAP_CLUSTER_MAX, 0) > 0) {
                continue;
            }
            Task victim = mc.oomKiller().outOfMemory(current, gfpMask);
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
            if (mc.reclaim().globalReclaim(Math.max(pages, MemcgReclaim.SWAP_CLUSTER_MAX), order) > 0) {
                continue;
            }
            if (order > 3) {
                return ChargeResult.NOMEM;
            }
            Task victim = mc.oomKiller().outOfMemory(current, OomKiller.GFP_KERNEL);
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
        long done = 0;
        boolean exact = exactFirst;
        while (done < pages) {
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
            if (t.fatalSignalPending() || cg.isRoot()) {
                target = mc.root();
                granted = want;
            } else {
                granted = mc.stock().consumeUpTo(t.cpu(), cg, want);
                if (granted == 0) {
                    ChargeResult r = mc.charger().tryCharge(t, t.cpu(), cg, 1, true, true, exact, OomKiller.GFP_KERNEL);
                    exact = false;
                    switch (r) {
                        case OK -> granted = 1;
                        case BYPASS -> {
                            target = mc.root();
                            granted = 1;
                        }
                        default -> {
                            return new Outcome(r, done);
                        }
                    }
                }
            }
            commit(t, target, granted, kind);
            done += granted;
        }
        return new Outcome(ChargeResult.OK, done);
    }

    /** The charged pages become the kind's pages, with the fault and I/O events their path counts. */
    private void commit(Task t, MemCgroup target, long n, PendingOp.Kind kind) {
        if (kind != PendingOp.Kind.FILE) {
            t.memcg().addStat(StatItem.PGFAULT, n); // mem_cgroup_count_vm_event(PGFAULT) in handle_mm_fault()
            mem.countFaults(n);
        }
        switch (kind) {
            case FILE -> {
                mem.countPagesIn(n);
                mc.pages().commitCache(t, target, n);
            }
            case MMAP -> {
                t.memcg().addStat(StatItem.PGMAJFAULT, n); // filemap_fault() read the page: VM_FAULT_MAJOR
                mem.countMajorFaults(n);
                mem.countPagesIn(n);
                mc.pages().commitMapped(t, target, n);
            }
            case SHM -> mc.shm().commit(t, target, n);
            default -> mc.pages().commitAnon(t, target, n, kind == PendingOp.Kind.MLOCK);
        }
    }
}
