package io.memfleet.kernel.memcg;

import io.memfleet.kernel.image.StatItem;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The css id space and the lifetime of removed groups. A group that rmdir took off the hierarchy
 * is freed, and its css id released, only when nothing references it any more; until then it is
 * dying: out of cgroupfs and out of every hierarchy walk (css_tryget() fails on it), but holding
 * its id, its counters and whatever is still charged to it.
 *
 * <p>What holds a struct mem_cgroup in 3.3: each swap entry swapped out while charged to it
 * (mem_cgroup_uncharge_swapcache() takes mem_cgroup_get(), mem_cgroup_uncharge_swap() puts it),
 * and, under use_hierarchy, each child it has not yet freed (mem_cgroup_create() takes a
 * reference on the parent, __mem_cgroup_put() drops it after freeing the child). With the
 * {@code kmem-pins-memcg} option (a later kernel's design), each dead cache with slab pages
 * still charged to it holds it too. The pins are counted where they change: the swap statistic,
 * {@link MemCgroup#slabPins} and {@link MemCgroup#childPins}.
 */
public final class MemcgDying {
    /** css ids are 16-bit in 3.3 (CSS_ID_MAX); id 0 is never handed out. */
    public static final int CSS_ID_MAX = 65535;

    final BitSet usedIds = new BitSet();
    /** Dying groups, in the order they were removed. */
    final List<MemCgroup> dying = new ArrayList<>();
    /** mkdir refused because every css id was taken, since boot. */
    long mkdirEnospc;

    MemcgDying() {
        usedIds.set(1);
    }

    /** The lowest free css id, or -1 (counted as a refused mkdir) when all are in use. */
    // kernel: kernel/cgroup.c get_new_cssid(): idr_get_new_above(..., 1, ...), -ENOSPC past CSS_ID_MAX
    int getNewCssid() {
        int id = usedIds.nextClearBit(1);
        if (id > CSS_ID_MAX) {
            mkdirEnospc++;
            return -1;
        }
        usedIds.set(id);
        return id;
    }

    /** css ids held: the root's, every live group's and every dying group's. */
    public int cssIdsInUse() {
        return usedIds.cardinality();
    }

    public long mkdirEnospc() {
        return mkdirEnospc;
    }

    /** Dying groups in the order they were removed (read-only). */
    public List<MemCgroup> dying() {
        return java.util.Collections.unmodifiableList(dying);
    }

    /** rmdir has taken {@code g} off the hierarchy: it is freed now, or dies until its last reference goes. */
    // kernel: mm/memcontrol.c mem_cgroup_destroy() -> mem_cgroup_put()
    void destroy(MemCgroup g) {
        MemCgroup parent = g.parentMemcg();
        if (parent != null) {
            parent.childPins++; // held since mem_cgroup_create(); dropped when g is freed
        }
        if (pinned(g)) {
            dying.add(g);
        } else {
            free(g);
        }
    }

    /** True while something still references the removed group. */
    static boolean pinned(MemCgroup g) {
        return g.stat(StatItem.SWAP) > 0 || g.slabPins > 0 || g.childPins > 0;
    }

    /** A reference to {@code g} went (a swap entry, a slab page); frees it if it was its last. */
    // kernel: mm/memcontrol.c mem_cgroup_put() -> __mem_cgroup_put()
    public void put(MemCgroup g) {
        if (g.removed && !g.freed && !pinned(g)) {
            dying.remove(g);
            free(g);
        }
    }

    // kernel: mm/memcontrol.c __mem_cgroup_free() -> kernel/cgroup.c free_css_id(); then the parent's reference
    private void free(MemCgroup g) {
        g.freed = true;
        usedIds.clear(g.id());
        MemCgroup parent = g.parentMemcg();
        if (parent != null) {
            parent.childPins--;
            put(parent);
        }
    }

    /** What holds a dying group: "swap", "slab", "child", joined by commas in that order. */
    public static String pinnedBy(MemCgroup g) {
        StringBuilder sb = new StringBuilder();
        if (g.stat(StatItem.SWAP) > 0) {
            sb.append("swap,");
        }
        if (g.slabPins > 0) {
            sb.append("slab,");
        }
        if (g.childPins > 0) {
            sb.append("child,");
        }
        return sb.isEmpty() ? "" : sb.substring(0, sb.length() - 1);
    }
}
