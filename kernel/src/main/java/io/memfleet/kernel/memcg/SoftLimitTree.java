package io.memfleet.kernel.memcg;

import io.memfleet.kernel.mm.PhysMem;
import java.util.Comparator;
import java.util.TreeSet;

/**
 * Soft limits of 3.3: the tree of groups over their soft limit, ordered by the excess they had
 * when last put on it (refreshed on the soft-limit event rate limit), and the reclaim that global
 * memory pressure runs on it first: the group most in excess, then its hierarchy from where the
 * last such reclaim stopped, 32 pages from each group in turn.
 */
public final class SoftLimitTree {
    private static final int MEM_CGROUP_MAX_SOFT_LIMIT_RECLAIM_LOOPS = 2;

    /** rb_root of mem_cgroup_tree_per_zone: equal excesses go right, so the later one is larger. */
    final TreeSet<MemCgroup> tree = new TreeSet<>(Comparator.<MemCgroup>comparingLong(g -> g.usageInExcess)
            .thenComparingLong(g -> g.softTreeSeq));
    long seq;
    private final PhysMem mem;

    SoftLimitTree(PhysMem mem) {
        this.mem = mem;
    }

    // kernel: kernel/res_counter.c res_counter_soft_limit_excess()
    static long excess(MemCgroup g) {
        return excess(g, 0);
    }

    /** The excess {@code pagesBack} pages before now (pages charged since). */
    private static long excess(MemCgroup g, long pagesBack) {
        long usage = g.res.usage() - pagesBack * PhysMem.PAGE_SIZE;
        long soft = g.res.softLimit();
        return Long.compareUnsigned(usage, soft) > 0 ? usage - soft : 0;
    }

    /**
     * The group and the groups its counters are chained to, each put back with its excess as of
     * {@code pagesBack} pages ago (pages charged since the check that asks).
     */
    // kernel: mm/memcontrol.c mem_cgroup_update_tree()
    void updateTree(MemCgroup memcg, long pagesBack) {
        for (MemCgroup g = memcg; g != null; g = g.parentMemcg()) {
            long excess = excess(g, pagesBack);
            if (excess != 0 || g.onSoftTree) {
                remove(g);
                insert(g, excess);
            }
        }
    }

    // kernel: mm/memcontrol.c __mem_cgroup_insert_exceeded()
    private void insert(MemCgroup g, long excess) {
        if (g.onSoftTree) {
            return;
        }
        g.usageInExcess = excess;
        if (excess == 0) {
            return;
        }
        g.softTreeSeq = ++seq;
        tree.add(g);
        g.onSoftTree = true;
    }

    // kernel: mm/memcontrol.c __mem_cgroup_remove_exceeded(), also mem_cgroup_remove_from_trees() at destroy
    void remove(MemCgroup g) {
        if (g.onSoftTree) {
            tree.remove(g);
            g.onSoftTree = false;
        }
    }

    /** Takes the group most in excess off the tree, skipping (and dropping) any no longer in excess. */
    // kernel: mm/memcontrol.c __mem_cgroup_largest_soft_limit_node()
    private MemCgroup largest() {
        while (!tree.isEmpty()) {
            MemCgroup g = tree.last();
            remove(g);
            if (excess(g) != 0 && !g.removed) {
                return g;
            }
        }
        return null;
    }

    /** Reclaims from the groups over their soft limit, most in excess first; returns pages freed. */
    // kernel: mm/memcontrol.c mem_cgroup_soft_limit_reclaim()
    long softLimitReclaim(MemcgReclaim reclaim) {
        long nrReclaimed = 0;
        MemCgroup next = null;
        int loop = 0;
        do {
            MemCgroup mz = next != null ? next : largest();
            if (mz == null) {
                break;
            }
            long reclaimed = softReclaim(mz, reclaim);
            nrReclaimed += reclaimed;
            next = null;
            if (reclaimed == 0) {
                do {
                    next = largest(); // another group, or mz again if its reclaim put it back
                } while (next == mz);
            }
            remove(mz);
            insert(mz, excess(mz));
            loop++;
            if (nrReclaimed == 0 && (next == null || loop > MEM_CGROUP_MAX_SOFT_LIMIT_RECLAIM_LOOPS)) {
                break;
            }
        } while (nrReclaimed == 0);
        return nrReclaimed; // a next group taken off the tree stays off until its next update
    }

    /** Reclaims from one group's hierarchy, a group at a time from where the last reclaim stopped. */
    // kernel: mm/memcontrol.c mem_cgroup_soft_reclaim()
    private long softReclaim(MemCgroup root, MemcgReclaim reclaim) {
        long excessPages = excess(root) >>> PhysMem.PAGE_SHIFT;
        long total = 0;
        int loop = 0;
        MemCgroup victim = null;
        java.util.List<MemCgroup> walk = root.treeById();
        while (true) {
            victim = iter(root, walk, victim);
            if (victim == null) {
                loop++;
                if (loop >= 2 && (total == 0 || total >= (excessPages >> 2)
                        || loop > MemcgReclaim.MEM_CGROUP_MAX_RECLAIM_LOOPS)) {
                    break;
                }
                continue;
            }
            if (!reclaimable(victim)) {
                continue;
            }
            total += reclaim.shrinkOne(victim, MemcgReclaim.SWAP_CLUSTER_MAX);
            if (excess(root) == 0) {
                break;
            }
        }
        return total;
    }

    /**
     * The next group of {@code root}'s walk after {@code prev} (null: resume where the last walk of
     * this root stopped), in css id order; null once a round ends.
     */
    // kernel: mm/memcontrol.c mem_cgroup_iter() with a reclaim cookie (zone, priority 0)
    private static MemCgroup iter(MemCgroup root, java.util.List<MemCgroup> walk, MemCgroup prev) {
        if (!root.useHierarchy() && !root.isRoot()) {
            return prev == null ? root : null;
        }
        while (true) {
            int lo = 0;
            int hi = walk.size();
            while (lo < hi) { // the first group with a css id above the position
                int mid = (lo + hi) >>> 1;
                if (walk.get(mid).id() > root.softIterPosition) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            MemCgroup found = lo < walk.size() ? walk.get(lo) : null;
            root.softIterPosition = found == null ? 0 : found.id();
            if (found != null || prev != null) {
                return found;
            }
        }
    }

    // kernel: mm/memcontrol.c mem_cgroup_reclaimable() with noswap false
    private boolean reclaimable(MemCgroup g) {
        for (FileRun r : g.fileRuns) {
            if (r.pages > 0) {
                return true;
            }
        }
        return mem.swapPages() > 0 && (!g.anonRuns.isEmpty() || !g.shmRuns.isEmpty());
    }
}
