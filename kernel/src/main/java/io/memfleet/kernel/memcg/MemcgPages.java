package io.memfleet.kernel.memcg;

import io.memfleet.kernel.image.StatItem;
import io.memfleet.kernel.mm.PhysMem;
import java.util.List;

/**
 * Page-state transitions of charged user pages: commit after a successful charge, uncharge on
 * unmap, truncate and reclaim, swap-out, and moving runs between cgroups. Keeps the memcg
 * statistics, LRU counters, node counters and run lists consistent with each other.
 */
public final class MemcgPages {
    private static final long PAGE = PhysMem.PAGE_SIZE;

    private final PhysMem mem;
    private final MemcgOomWait oomWait;
    private final MemcgEvents events;
    long fileSeq;
    /** current->memcg_batch: uncharges of one group deferred to the end of an unmap or truncate. */
    private int doBatch;
    private boolean batchDirect;
    private MemCgroup batchMemcg;
    private long batchPages;
    private long batchMemswPages;

    MemcgPages(PhysMem mem, MemcgOomWait oomWait, MemcgEvents events) {
        this.mem = mem;
        this.oomWait = oomWait;
        this.events = events;
    }

    /** Starts deferring uncharges ({@code direct}: the task is an OOM victim, TIF_MEMDIE, and uncharges at once). */
    // kernel: mm/memcontrol.c mem_cgroup_uncharge_start()
    void unchargeStart(boolean direct) {
        if (++doBatch == 1) {
            batchMemcg = null;
            batchPages = 0;
            batchMemswPages = 0;
            batchDirect = direct;
        }
    }

    // kernel: mm/memcontrol.c mem_cgroup_uncharge_end()
    void unchargeEnd() {
        if (doBatch == 0 || --doBatch > 0 || batchMemcg == null) {
            return;
        }
        batchMemcg.res.uncharge(batchPages * PAGE);
        batchMemcg.memsw.uncharge(batchMemswPages * PAGE);
        oomWait.recover(batchMemcg);
        batchMemcg = null;
    }

    // kernel: mm/memcontrol.c __mem_cgroup_commit_charge() for anonymous pages
    public void commitAnon(Task t, MemCgroup memcg, long pages, boolean locked) {
        mem.allocAnon(pages, locked);
        AnonRun top = t.anon.isEmpty() ? null : t.anon.get(t.anon.size() - 1);
        if (top == null || top.memcg != memcg || top.locked != locked || top.swapped != 0) {
            top = new AnonRun(t, memcg, locked);
            t.anon.add(top);
            memcg.anonRuns.add(top);
        }
        top.resident += pages;
        memcg.addStat(StatItem.RSS, pages);
        memcg.addStat(locked ? StatItem.UNEVICTABLE : StatItem.ACTIVE_ANON, pages);
        memcg.addStat(StatItem.PGPGIN, pages);
        events.count(memcg, pages, -1);
    }

    // kernel: mm/memcontrol.c __mem_cgroup_commit_charge() for page cache
    public void commitCache(Task t, MemCgroup memcg, long pages) {
        mem.allocCache(pages);
        FileRun top = t.files.isEmpty() ? null : t.files.get(t.files.size() - 1);
        if (top == null || top.memcg != memcg || top.pages == 0) {
            top = new FileRun(t, memcg, fileSeq++);
            t.files.add(top);
        }
        memcg.fileRuns.add(top); // (back) to the young end of the LRU
        top.seq = fileSeq++;
        top.pages += pages;
        memcg.addStat(StatItem.CACHE, pages);
        memcg.addStat(StatItem.INACTIVE_FILE, pages);
        memcg.addStat(StatItem.PGPGIN, pages);
        events.count(memcg, pages, -1);
    }

    // kernel: mm/memcontrol.c __mem_cgroup_uncharge_common() -> mem_cgroup_do_uncharge()
    private void uncharge(MemCgroup memcg, long pages, boolean memswToo) {
        memcg.addStat(StatItem.PGPGOUT, pages);
        events.count(memcg, pages, 1);
        if (memcg.isRoot()) {
            return;
        }
        if (doBatch > 0 && !batchDirect && (batchMemcg == null || batchMemcg == memcg)) {
            batchMemcg = memcg;
            batchPages += pages;
            batchMemswPages += memswToo ? pages : 0;
            return;
        }
        memcg.res.uncharge(pages * PAGE);
        if (memswToo) {
            memcg.memsw.uncharge(pages * PAGE);
        }
        oomWait.recover(memcg);
    }

    /** Unmaps up to {@code pages} of the task's anonymous memory, newest first; returns pages unmapped. */
    // kernel: mm/memcontrol.c mem_cgroup_uncharge_page() via zap_pte_range()
    public long unmapAnon(Task t, long pages) {
        unchargeStart(t.memdie);
        try {
            return unmapRuns(t, pages);
        } finally {
            unchargeEnd();
        }
    }

    private long unmapRuns(Task t, long pages) {
        long done = 0;
        List<AnonRun> runs = t.anon;
        while (done < pages && !runs.isEmpty()) {
            AnonRun r = runs.get(runs.size() - 1);
            long k = Math.min(pages - done, r.resident);
            if (k > 0) {
                releaseResident(r, k);
                done += k;
            }
            long s = Math.min(pages - done, r.swapped);
            if (s > 0) {
                releaseSwap(r, s);
                done += s;
            }
            if (r.isEmpty()) {
                runs.remove(runs.size() - 1);
                r.memcg.anonRuns.remove(r);
            }
        }
        return done;
    }

    private void releaseResident(AnonRun r, long k) {
        r.resident -= k;
        mem.freeAnon(k, r.locked);
        MemCgroup m = r.memcg;
        m.addStat(StatItem.RSS, -k);
        m.addStat(r.locked ? StatItem.UNEVICTABLE : StatItem.ACTIVE_ANON, -k);
        uncharge(m, k, true);
    }

    // kernel: mm/memcontrol.c mem_cgroup_uncharge_swap()
    private void releaseSwap(AnonRun r, long s) {
        r.swapped -= s;
        mem.freeSwap(s);
        MemCgroup m = r.memcg;
        m.addStat(StatItem.SWAP, -s);
        if (!m.isRoot()) {
            m.memsw.uncharge(s * PAGE);
        }
        oomWait.recover(m);
    }

    /** Frees all of a task's anonymous memory and swap (exit_mmap); its page cache stays, ownerless. */
    public void exitMm(Task t) {
        unmapAnon(t, Long.MAX_VALUE);
        for (FileRun r : t.files) {
            r.owner = null;
        }
        t.files.clear();
    }

    /** Swaps out up to {@code pages} resident pages of the run; returns pages swapped. */
    // kernel: mm/memcontrol.c mem_cgroup_uncharge_swapcache() during shrink_page_list()
    long swapOut(AnonRun r, long pages) {
        long k = Math.min(Math.min(pages, r.resident), mem.swapFree());
        if (k <= 0 || r.locked) {
            return 0;
        }
        r.resident -= k;
        r.swapped += k;
        mem.swapOut(k);
        MemCgroup m = r.memcg;
        m.addStat(StatItem.RSS, -k);
        m.addStat(StatItem.ACTIVE_ANON, -k);
        m.addStat(StatItem.SWAP, k);
        uncharge(m, k, false);
        return k;
    }

    /**
     * Reads {@code pages} swapped pages of the run back in; the caller has charged them to the
     * run's cgroup (res and memsw), and the swap entries' memsw charge goes now.
     */
    // kernel: mm/memcontrol.c mem_cgroup_commit_charge_swapin() / mem_cgroup_uncharge_swap()
    public void swapIn(AnonRun r, long pages) {
        r.swapped -= pages;
        r.resident += pages;
        mem.swapIn(pages);
        MemCgroup m = r.memcg;
        m.addStat(StatItem.RSS, pages);
        m.addStat(StatItem.ACTIVE_ANON, pages);
        m.addStat(StatItem.SWAP, -pages);
        m.addStat(StatItem.PGPGIN, pages);
        events.count(m, pages, -1);
        if (!m.isRoot()) {
            m.memsw.uncharge(pages * PAGE);
        }
    }

    /** Drops up to {@code pages} clean page-cache pages of the run; returns pages dropped. */
    // kernel: mm/memcontrol.c mem_cgroup_uncharge_cache_page() via __remove_mapping()
    long dropCache(FileRun r, long pages) {
        long k = Math.min(pages, r.pages);
        if (k <= 0) {
            return 0;
        }
        r.pages -= k;
        mem.freeCache(k);
        MemCgroup m = r.memcg;
        m.addStat(StatItem.CACHE, -k);
        m.addStat(StatItem.INACTIVE_FILE, -k);
        uncharge(m, k, true);
        if (r.pages == 0) {
            m.fileRuns.remove(r);
            List<FileRun> own = r.owner == null ? List.of() : r.owner.files;
            if (!own.isEmpty() && own.get(own.size() - 1) == r) {
                own.remove(own.size() - 1);
            }
        }
        return k;
    }

    /** Truncates up to {@code pages} of the page cache this task read, newest first. */
    // kernel: mm/truncate.c truncate_inode_pages_range()
    public long truncate(Task t, long pages) {
        unchargeStart(false);
        try {
            return truncateRuns(t, pages);
        } finally {
            unchargeEnd();
        }
    }

    private long truncateRuns(Task t, long pages) {
        long done = 0;
        List<FileRun> runs = t.files;
        while (done < pages && !runs.isEmpty()) {
            FileRun r = runs.get(runs.size() - 1);
            if (r.pages == 0) {
                runs.remove(runs.size() - 1);
            } else {
                done += dropCache(r, pages - done); // an emptied run leaves its owner's list
            }
        }
        return done;
    }

    /** Drops every clean page-cache page on the node (drop_caches 1); returns pages dropped. */
    public long dropAllCache(List<MemCgroup> all) {
        long n = 0;
        for (MemCgroup m : all) {
            while (!m.fileRuns.isEmpty()) {
                n += dropCache(m.fileRuns.peekFirst(), Long.MAX_VALUE);
            }
        }
        return n;
    }

    /**
     * Moves the statistics and LRU place of {@code k} resident pages of the run to {@code to}; the
     * caller has moved their charges. A partial move (or one leaving swap entries behind) splits
     * the run: the moved pages become a run of their own beside it in the task's list.
     */
    // kernel: mm/memcontrol.c mem_cgroup_move_account() for anonymous pages
    void moveResident(AnonRun r, MemCgroup to, long k) {
        MemCgroup from = r.memcg;
        if (k < r.resident || r.swapped > 0) {
            AnonRun moved = new AnonRun(r.owner, from, r.locked);
            moved.resident = k;
            r.resident -= k;
            int at = r.owner.anon.indexOf(r);
            r.owner.anon.add(at + 1, moved);
            r = moved;
        }
        moveResidentStats(from, to, k, r.locked);
        reassign(r, to);
    }

    private void moveResidentStats(MemCgroup from, MemCgroup to, long k, boolean locked) {
        StatItem lru = locked ? StatItem.UNEVICTABLE : StatItem.ACTIVE_ANON;
        from.addStat(StatItem.RSS, -k);
        to.addStat(StatItem.RSS, k);
        from.addStat(lru, -k);
        to.addStat(lru, k);
        from.addStat(StatItem.PGPGOUT, k);
        to.addStat(StatItem.PGPGIN, k);
        events.count(to, k, 0);
        events.count(from, k, 0);
    }

    /** Moves a run's swap entries (statistics only: the caller has moved their memsw charge). */
    // kernel: mm/memcontrol.c mem_cgroup_move_swap_account()
    void moveSwapEntries(AnonRun r, MemCgroup to) {
        r.memcg.addStat(StatItem.SWAP, -r.swapped);
        to.addStat(StatItem.SWAP, r.swapped);
        if (r.resident == 0) {
            reassign(r, to);
        }
    }

    /** Moves a whole run, resident pages and swap entries (the caller has moved the charges). */
    // kernel: mm/memcontrol.c mem_cgroup_move_charge_pte_range() for one task's pages and swap entries
    void moveRun(AnonRun r, MemCgroup to) {
        moveResidentStats(r.memcg, to, r.resident, r.locked);
        r.memcg.addStat(StatItem.SWAP, -r.swapped);
        to.addStat(StatItem.SWAP, r.swapped);
        reassign(r, to);
    }

    private static void reassign(AnonRun r, MemCgroup to) {
        r.memcg.anonRuns.remove(r);
        to.anonRuns.add(r);
        r.memcg = to;
    }

    /** Moves {@code k} pages of a page-cache run to {@code to} (the caller has moved the charges); a partial move splits it. */
    // kernel: mm/memcontrol.c mem_cgroup_move_account() for a page-cache page
    void moveCachePages(FileRun r, MemCgroup to, long k) {
        MemCgroup from = r.memcg;
        if (k < r.pages) {
            FileRun moved = new FileRun(r.owner, from, r.seq);
            moved.pages = k;
            r.pages -= k;
            if (r.owner != null) {
                int at = r.owner.files.indexOf(r);
                r.owner.files.add(at, moved);
            }
            r = moved;
        } else {
            from.fileRuns.remove(r);
        }
        from.addStat(StatItem.CACHE, -k);
        to.addStat(StatItem.CACHE, k);
        from.addStat(StatItem.INACTIVE_FILE, -k);
        to.addStat(StatItem.INACTIVE_FILE, k);
        from.addStat(StatItem.PGPGOUT, k);
        to.addStat(StatItem.PGPGIN, k);
        events.count(to, k, 0);
        events.count(from, k, 0);
        to.fileRuns.add(r);
        r.memcg = to;
    }
}
