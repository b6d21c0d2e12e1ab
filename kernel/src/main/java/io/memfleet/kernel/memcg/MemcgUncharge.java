package io.memfleet.kernel.memcg;

import io.memfleet.kernel.image.StatItem;
import io.memfleet.kernel.mm.PhysMem;

/**
 * The uncharge of a page and 3.3's current->memcg_batch: while pages are freed in a row (an
 * unmap, a truncate, an invalidation) the res_counter uncharges of the first group met are
 * deferred, to the end of the unmap or to the end of each pagevec of 14 pages; other groups, an
 * OOM victim's pages and everything outside a batch (reclaim) are uncharged at once. The event
 * check of each page runs before its own uncharge.
 */
final class MemcgUncharge {
    /** PAGEVEC_SIZE: truncate_inode_pages_range() and invalidate_mapping_pages() batch per pagevec. */
    static final int PAGEVEC_SIZE = 14;
    private static final long PAGE = PhysMem.PAGE_SIZE;

    private final MemcgEvents events;
    private final MemcgOomWait oomWait;
    private int doBatch;
    private boolean direct;
    private boolean perPagevec;
    private long inPagevec;
    private MemCgroup memcg;
    private long pages;
    private long memswPages;

    MemcgUncharge(MemcgEvents events, MemcgOomWait oomWait) {
        this.events = events;
        this.oomWait = oomWait;
    }

    /** Starts a batch ({@code direct}: the task is an OOM victim, TIF_MEMDIE; {@code perPagevec}: flushed every 14 pages). */
    // kernel: mm/memcontrol.c mem_cgroup_uncharge_start()
    void start(boolean directly, boolean pagevecs) {
        if (++doBatch == 1) {
            memcg = null;
            pages = 0;
            memswPages = 0;
            inPagevec = 0;
            direct = directly;
            perPagevec = pagevecs;
        }
    }

    // kernel: mm/memcontrol.c mem_cgroup_uncharge_end()
    void end() {
        if (doBatch == 0 || --doBatch > 0) {
            return;
        }
        flush();
    }

    private void flush() {
        if (memcg != null) {
            memcg.res.uncharge(pages * PAGE);
            memcg.memsw.uncharge(memswPages * PAGE);
            oomWait.recover(memcg);
        }
        memcg = null;
        pages = 0;
        memswPages = 0;
        inPagevec = 0;
    }

    // kernel: mm/memcontrol.c __mem_cgroup_uncharge_common() -> mem_cgroup_do_uncharge()
    void uncharge(MemCgroup m, long n, boolean memswToo) {
        m.addStat(StatItem.PGPGOUT, n);
        if (m.isRoot()) {
            events.count(m, n, 1, false, false);
            return;
        }
        if (doBatch == 0 || direct || (memcg != null && memcg != m)) {
            m.res.uncharge(n * PAGE);
            if (memswToo) {
                m.memsw.uncharge(n * PAGE);
            }
            events.count(m, n, 1, true, memswToo);
            oomWait.recover(m);
            return;
        }
        while (n > 0) {
            long k = perPagevec ? Math.min(n, PAGEVEC_SIZE - inPagevec) : n;
            events.count(m, k, 1, false, false);
            memcg = m;
            pages += k;
            memswPages += memswToo ? k : 0;
            n -= k;
            if (perPagevec && (inPagevec += k) == PAGEVEC_SIZE) {
                flush(); // pagevec_release(), then the next pagevec's mem_cgroup_uncharge_end()/start()
            }
        }
    }
}
