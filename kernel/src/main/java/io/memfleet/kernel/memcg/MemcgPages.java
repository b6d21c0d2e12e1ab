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
    final MemcgUncharge uncharger;
    final MemcgDying dying;

    MemcgPages(PhysMem mem, MemcgOomWait oomWait, MemcgEvents events, MemcgDying dying) {
        this.mem = mem;
        this.dying = dying;
        this.oomWait = oomWait;
        this.events = events;
        this.uncharger = new MemcgUncharge(events, oomWait);
    }

    /**
     * Anonymous pages faulted in and charged. {@code chargedEach}: each page was charged on its own
     * just before its commit (a run of exact charges), which the event checks take into account.
     */
    // kernel: mm/memcontrol.c __mem_cgroup_commit_charge() for anonymous pages
    public void commitAnon(Task t, MemCgroup memcg, long pages, boolean locked, boolean chargedEach) {
        mem.allocAnon(pages, locked);
        AnonRun top = t.anon.isEmpty() ? null : t.anon.get(t.anon.size() - 1);
        if (top == null || top.memcg != memcg || top.locked != locked || top.swapped != 0) {
            top = new AnonRun(t, memcg, locked);
            t.anon.add(top);
            memcg.anonRuns.add(top);
        }
        top.addResident(pages);
        memcg.addStat(StatItem.RSS, pages);
        memcg.addStat(locked ? StatItem.UNEVICTABLE : StatItem.ACTIVE_ANON, pages);
        memcg.addStat(StatItem.PGPGIN, pages);
        events.countCommitted(memcg, pages, chargedEach);
    }

    /** Page cache read and charged ({@code chargedEach} as for {@link #commitAnon}). */
    // kernel: mm/memcontrol.c __mem_cgroup_commit_charge() for page cache
    public void commitCache(Task t, MemCgroup memcg, long pages, boolean chargedEach) {
        commitFile(t, memcg, pages, false, chargedEach);
    }

    /** Faults in page-cache pages of a file the task maps: charged as cache, and mapped (mapped_file). */
    // kernel: mm/filemap.c filemap_fault() add_to_page_cache_lru(), then mm/memory.c __do_fault() page_add_file_rmap()
    public void commitMapped(Task t, MemCgroup memcg, long pages, boolean chargedEach) {
        commitFile(t, memcg, pages, true, chargedEach);
    }

    /**
     * Page cache read ({@code t.files}) or mapped ({@code t.mmaps}), onto the task's newest run when
     * it can grow; pages committed one by one each renew the run's age, so they count as many.
     */
    private void commitFile(Task t, MemCgroup memcg, long pages, boolean mapped, boolean chargedEach) {
        List<FileRun> runs = mapped ? t.mmaps : t.files;
        mem.allocCache(pages);
        FileRun top = runs.isEmpty() ? null : runs.get(runs.size() - 1);
        if (top == null || top.memcg != memcg || top.pages == 0
                || mapped && (top.mapped != top.pages || top.extent != top.pages)) {
            top = new FileRun(t, memcg, fileSeq++);
            top.mapping = mapped;
            runs.add(top);
        }
        memcg.fileRuns.add(top); // (back) to the young end of the LRU
        fileSeq += chargedEach ? pages - 1 : 0;
        top.seq = fileSeq++;
        top.pages += pages;
        if (mapped) {
            top.mapped += pages;
            top.extent += pages;
            mem.countMapped(pages);
            memcg.addStat(StatItem.MAPPED_FILE, pages);
        }
        memcg.addStat(StatItem.CACHE, pages);
        memcg.addStat(StatItem.INACTIVE_FILE, pages);
        memcg.addStat(StatItem.PGPGIN, pages);
        events.countCommitted(memcg, pages, chargedEach);
    }

    /**
     * Unmaps up to {@code pages} of the task's file mappings, newest first (pages reclaim took
     * meanwhile count too); the pages stay in the page cache.
     */
    // kernel: mm/memory.c zap_pte_range() -> mm/rmap.c page_remove_rmap()
    public long unmapFile(Task t, long pages) {
        long done = 0;
        List<FileRun> runs = t.mmaps;
        while (done < pages && !runs.isEmpty()) {
            FileRun r = runs.get(runs.size() - 1);
            long k = Math.min(pages - done, r.extent);
            unmapped(r, Math.min(k, r.mapped));
            r.extent -= k;
            done += k;
            if (r.extent == 0) {
                runs.remove(runs.size() - 1);
                r.owner = null;
            }
        }
        return done;
    }

    private void unmapped(FileRun r, long k) {
        r.mapped -= k;
        r.memcg.addStat(StatItem.MAPPED_FILE, -k);
        mem.countMapped(-k);
    }

    /** The list of its owner's that holds a page-cache run (read or mapped), or null. */
    static List<FileRun> ownerList(FileRun r) {
        if (r.owner == null) {
            return null;
        }
        return r.mapping ? r.owner.mmaps : r.owner.files;
    }

    void uncharge(MemCgroup memcg, long pages, boolean memswToo) {
        uncharger.uncharge(memcg, pages, memswToo);
    }

    /** Unmaps up to {@code pages} of the task's anonymous memory, newest first; returns pages unmapped. */
    // kernel: mm/memcontrol.c mem_cgroup_uncharge_page() via zap_pte_range()
    public long unmapAnon(Task t, long pages) {
        uncharger.start(t.memdie, false); // unmap_page_range(): one batch for the range
        try {
            return unmapRuns(t, pages);
        } finally {
            uncharger.end();
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
        freeSwapEntries(r.memcg, s);
        oomWait.recover(r.memcg);
    }

    /** Frees {@code s} swap entries charged to the group: the swap slots, its swap statistic, its memsw charge. */
    // kernel: mm/swapfile.c swap_entry_free() -> mm/memcontrol.c mem_cgroup_uncharge_swap()
    void freeSwapEntries(MemCgroup m, long s) {
        mem.freeSwap(s);
        m.addStat(StatItem.SWAP, -s);
        if (!m.isRoot()) {
            m.memsw.uncharge(s * PAGE);
        }
        dying.put(m); // each entry held a reference: the last one frees a removed group
    }

    /** Frees all of a task's anonymous memory and swap (exit_mmap); its page cache stays, ownerless. */
    public void exitMm(Task t) {
        unmapAnon(t, Long.MAX_VALUE);
        unmapFile(t, Long.MAX_VALUE);
        for (FileRun r : t.files) {
            r.owner = null;
        }
        t.files.clear();
    }

    /** Swaps out up to {@code pages} resident pages of the run; returns pages swapped. */
    // kernel: mm/memcontrol.c mem_cgroup_uncharge_swapcache() during shrink_page_list()
    long swapOut(AnonRun r, long pages) {
        long k = Math.min(Math.min(pages, r.resident), mem.swapRoom());
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
        r.addResident(pages);
        mem.swapIn(pages);
        MemCgroup m = r.memcg;
        m.addStat(StatItem.RSS, pages);
        m.addStat(StatItem.ACTIVE_ANON, pages);
        m.addStat(StatItem.SWAP, -pages);
        m.addStat(StatItem.PGPGIN, pages);
        events.count(m, pages, -1, false, false);
        if (!m.isRoot()) {
            m.memsw.uncharge(pages * PAGE);
        }
    }

    /**
     * swapoff reads {@code n} swapped pages of a dying group's run back in for {@code to}, the
     * owner's group now, which the caller has charged: css_tryget() fails on the removed group, so
     * the page is charged to the faulting mm's group, and only the entries' memsw charge and
     * reference go back to the dying one. The pages join {@code into} (what earlier pages of the
     * run became) or a new run of {@code to} beside it, which is returned.
     */
    // kernel: mm/memcontrol.c mem_cgroup_try_charge_swapin() charge_cur_mm, __mem_cgroup_commit_charge_swapin()
    public AnonRun swapInForOwner(AnonRun r, long n, MemCgroup to, AnonRun into) {
        MemCgroup from = r.memcg;
        r.swapped -= n;
        mem.swapIn(n);
        AnonRun in = into;
        if (in == null) {
            in = new AnonRun(r.owner, to, r.locked);
            r.owner.anon.add(r.owner.anon.indexOf(r) + 1, in);
            to.anonRuns.add(in);
        }
        in.addResident(n);
        to.addStat(StatItem.RSS, n);
        to.addStat(StatItem.ACTIVE_ANON, n);
        to.addStat(StatItem.PGPGIN, n);
        events.count(to, n, -1, false, false);
        if (r.isEmpty()) {
            r.owner.anon.remove(r);
            from.anonRuns.remove(r);
        }
        dropDyingSwap(from, n);
        return in;
    }

    /** {@code n} swap entries of a dying group were read back for another group: their charge and references go. */
    // kernel: mm/memcontrol.c __mem_cgroup_commit_charge_swapin() swap_memcg branch (the recorded memcg is obsolete)
    void dropDyingSwap(MemCgroup from, long n) {
        from.addStat(StatItem.SWAP, -n);
        from.memsw.uncharge(n * PAGE);
        dying.put(from);
    }

    /** Drops up to {@code pages} clean page-cache pages of the run; returns pages dropped. */
    // kernel: mm/memcontrol.c mem_cgroup_uncharge_cache_page() via __remove_mapping()
    long dropCache(FileRun r, long pages) {
        long k = Math.min(pages, r.pages);
        if (k <= 0) {
            return 0;
        }
        long mappedToo = k - (r.pages - r.mapped); // unmapped pages go first; a mapped one is unmapped (try_to_unmap)
        if (mappedToo > 0) {
            unmapped(r, mappedToo);
        }
        r.pages -= k;
        mem.freeCache(k);
        MemCgroup m = r.memcg;
        m.addStat(StatItem.CACHE, -k);
        m.addStat(StatItem.INACTIVE_FILE, -k);
        uncharge(m, k, true);
        if (r.pages == 0) {
            m.fileRuns.remove(r);
            List<FileRun> own = ownerList(r);
            if (own != null && own == r.owner.mmaps) {
                mergeExtent(own, r); // a mapping keeps its extent (its total_vm) until munmap
            } else if (own != null && !own.isEmpty() && own.get(own.size() - 1) == r) {
                own.remove(own.size() - 1);
            }
        }
        return k;
    }

    /**
     * A mapped run reclaim has emptied is only an extent now: it joins an emptied neighbour of the
     * same group in its owner's mappings. munmap takes extents newest first, so one run of the
     * summed extent unmaps exactly as the two did; a stream of mapped pages through a small group
     * then keeps a few runs, not one for every page reclaim took.
     */
    private static void mergeExtent(List<FileRun> mmaps, FileRun r) {
        int at = mmaps.lastIndexOf(r);
        if (r.extent == 0) {
            mmaps.remove(at);
            return;
        }
        if (at + 1 < mmaps.size() && extentOnly(mmaps.get(at + 1), r.memcg)) {
            r.extent += mmaps.remove(at + 1).extent;
        }
        if (at > 0 && extentOnly(mmaps.get(at - 1), r.memcg)) {
            mmaps.get(at - 1).extent += r.extent;
            mmaps.remove(at);
        }
    }

    private static boolean extentOnly(FileRun r, MemCgroup memcg) {
        return r.pages == 0 && r.memcg == memcg;
    }

    /** Truncates up to {@code pages} of the page cache this task read, newest first. */
    // kernel: mm/truncate.c truncate_inode_pages_range()
    public long truncate(Task t, long pages) {
        uncharger.start(false, true);
        try {
            return truncateRuns(t, pages);
        } finally {
            uncharger.end();
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

    /** Drops every clean, unmapped page-cache page on the node (drop_caches 1); returns pages dropped. */
    // kernel: fs/drop_caches.c drop_pagecache_sb() -> mm/truncate.c invalidate_mapping_pages(): mapped pages stay
    public long dropAllCache(List<MemCgroup> all) {
        long n = 0;
        uncharger.start(false, true);
        try {
            for (MemCgroup m : all) {
                for (FileRun r : m.fileRuns.toList()) {
                    if (r.pages > r.mapped) {
                        n += dropCache(r, r.pages - r.mapped);
                    } else if (r.pages == 0) {
                        m.fileRuns.remove(r);
                    }
                }
            }
        } finally {
            uncharger.end();
        }
        return n;
    }
}
