package io.memfleet.kernel.memcg;

import io.memfleet.kernel.mm.LruList;
import io.memfleet.kernel.mm.PhysMem;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;

/**
 * Page reclaim as the memory controller sees it: limit reclaim inside one hierarchy
 * (try_to_free_mem_cgroup_pages in a mem_cgroup_reclaim loop) and global reclaim when the node
 * runs out of free pages. Clean page cache goes first, oldest first; anonymous pages go to swap
 * when swap has room and the caller allows it, whatever the swappiness: in 3.3 swappiness only
 * weighs anon against file, and a scan at priority 0 takes anon pages even at swappiness 0 (fixed
 * only in 3.5); mlocked pages never go.
 */
public final class MemcgReclaim {
    public static final int SWAP_CLUSTER_MAX = 32;
    static final int MEM_CGROUP_MAX_RECLAIM_LOOPS = 100;
    public static final int RECLAIM_NOSWAP = 1;
    public static final int RECLAIM_SHRINK = 2;

    private final PhysMem mem;
    private final MemcgPages pages;
    private final MemcgStock stock;
    private final Supplier<List<MemCgroup>> allGroups;
    /** Shrinks reclaimable slab (unused dentries) by up to N objects' pages; returns pages freed. */
    private LongUnaryOperator slabShrinker = n -> 0;
    private final SoftLimitTree softLimit;
    private final ShmPages shm;
    /** Whether swap-out scans start at each LRU's cursor ({@link LruList#scanStart}); off, at its old end. */
    private boolean scanCursor = true;

    MemcgReclaim(PhysMem mem, MemcgPages pages, ShmPages shm, MemcgStock stock, SoftLimitTree softLimit,
                 Supplier<List<MemCgroup>> allGroups) {
        this.mem = mem;
        this.pages = pages;
        this.shm = shm;
        this.stock = stock;
        this.softLimit = softLimit;
        this.allGroups = allGroups;
    }

    public void setSlabShrinker(LongUnaryOperator shrinker) {
        this.slabShrinker = shrinker;
    }

    /** For tests: off, every swap-out scan walks its LRU from the old end; what it reclaims is the same. */
    public void setScanCursor(boolean on) {
        scanCursor = on;
    }

    private <T extends LruList.Node> T scanStart(LruList<T> lru) {
        return scanCursor ? lru.scanStart() : lru.peekFirst();
    }

    // kernel: mm/memcontrol.c mem_cgroup_reclaim()
    long reclaim(MemCgroup memcg, int flags) {
        boolean noswap = (flags & RECLAIM_NOSWAP) != 0;
        boolean shrink = (flags & RECLAIM_SHRINK) != 0;
        if (!shrink && memcg.testFlag(MemCgroup.MEMCG_MEMSW_IS_MINIMUM)) {
            noswap = true;
        }
        long total = 0;
        for (int loop = 0; loop < MEM_CGROUP_MAX_RECLAIM_LOOPS; loop++) {
            if (loop > 0) {
                stock.drainAllStock(memcg);
            }
            total += tryToFreeMemCgroupPages(memcg, noswap, SWAP_CLUSTER_MAX);
            if (total > 0 && shrink) {
                break;
            }
            if (MemcgCharger.margin(memcg) > 0) {
                break;
            }
            if (loop > 0 && total == 0) {
                break;
            }
        }
        return total;
    }

    /** Reclaims up to {@code target} pages from the hierarchy under {@code memcg}; returns pages freed. */
    // kernel: mm/vmscan.c try_to_free_mem_cgroup_pages()
    long tryToFreeMemCgroupPages(MemCgroup memcg, boolean noswap, long target) {
        List<MemCgroup> tree = memcg.tree();
        // kernel: mm/vmscan.c get_scan_count(): ap = (anon_prio + 1) * ..., and "if (priority || noswap)"
        // leaves the whole anon list to a priority-0 scan, so swappiness 0 does not forbid swapping in 3.3
        boolean maySwap = !noswap;
        long freed = 0;
        for (MemCgroup m : tree) {
            freed += shrinkFile(m, target - freed);
            if (freed >= target) {
                return freed;
            }
        }
        if (maySwap) {
            for (MemCgroup m : tree) {
                freed += shrinkAnon(m, target - freed);
                if (freed >= target) {
                    break;
                }
            }
        }
        return freed;
    }

    /** Reclaims up to {@code want} pages from this group's own lists, page cache first, swapping allowed. */
    // kernel: mm/vmscan.c mem_cgroup_shrink_node_zone()
    long shrinkOne(MemCgroup m, long want) {
        long freed = shrinkFile(m, want);
        if (freed < want) {
            freed += shrinkAnon(m, want - freed);
        }
        return freed;
    }

    private long shrinkFile(MemCgroup m, long want) {
        long freed = 0;
        while (freed < want && !m.fileRuns.isEmpty()) {
            FileRun r = m.fileRuns.peekFirst();
            if (r.pages == 0) {
                m.fileRuns.pollFirst();
                continue;
            }
            freed += pages.dropCache(r, want - freed);
        }
        return freed;
    }

    /** Swaps out anonymous pages, then shared memory (both swap-backed, on the anon LRU). */
    private long shrinkAnon(MemCgroup m, long want) {
        long freed = 0;
        LruList<AnonRun> anon = m.anonRuns;
        for (AnonRun r = scanStart(anon); r != null && freed < want && mem.swapRoom() > 0; r = anon.next(r)) {
            freed += pages.swapOut(r, want - freed);
            if (r.resident == 0 || r.locked) {
                anon.passed(r);
            }
        }
        LruList<ShmRun> shmem = m.shmRuns;
        for (ShmRun r = scanStart(shmem); r != null && freed < want && mem.swapRoom() > 0; r = shmem.next(r)) {
            freed += shm.swapOut(r, want - freed);
            if (r.resident == 0) {
                shmem.passed(r);
            }
        }
        return freed;
    }

    /**
     * Global direct reclaim of up to {@code target} pages for an allocation of {@code order}: for
     * order 0 the groups over their soft limit first, then page cache by age, then swap, then slab.
     */
    // kernel: mm/vmscan.c do_try_to_free_pages() -> shrink_zones() for a global (non-memcg) reclaim
    public long globalReclaim(long target, int order) {
        List<MemCgroup> all = allGroups.get();
        long freed = order == 0 ? softLimit.softLimitReclaim(this) : 0;
        if (freed >= target) {
            return freed;
        }
        while (freed < target) {
            MemCgroup oldest = null;
            for (MemCgroup m : all) {
                FileRun head = m.fileRuns.peekFirst();
                if (head != null && (oldest == null || head.seq < oldest.fileRuns.peekFirst().seq)) {
                    oldest = m;
                }
            }
            if (oldest == null) {
                break;
            }
            freed += shrinkFile(oldest, Math.min(target - freed, oldest.fileRuns.peekFirst().pages));
        }
        for (MemCgroup m : all) {
            if (freed >= target) {
                break;
            }
            // global reclaim weighs with vm_swappiness, not the group's (vmscan_swappiness()), and swaps even so
            freed += shrinkAnon(m, target - freed);
        }
        if (freed < target) {
            freed += slabShrinker.applyAsLong(target - freed);
        }
        return freed;
    }
}
