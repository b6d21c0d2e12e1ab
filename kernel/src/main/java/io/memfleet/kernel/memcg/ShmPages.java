package io.memfleet.kernel.memcg;

import io.memfleet.kernel.image.StatItem;
import io.memfleet.kernel.mm.PhysMem;
import java.util.List;

/**
 * Page-state transitions of SysV shared memory (shmem): commit after the charge (cache, on the
 * inactive anon list, mapped while attached), release, detach at exit, swap-out by reclaim and
 * swap-in by swapoff. Unmapped pages go first wherever a run shrinks.
 */
public final class ShmPages {
    private final PhysMem mem;
    private final MemcgPages pages;
    private final MemcgEvents events;
    long seq;

    ShmPages(PhysMem mem, MemcgPages pages, MemcgEvents events) {
        this.mem = mem;
        this.pages = pages;
        this.events = events;
    }

    // kernel: mm/shmem.c shmem_getpage_gfp() -> mem_cgroup_cache_charge() (SHMEM), then __do_fault() page_add_file_rmap()
    public void commit(Task t, MemCgroup memcg, long n, boolean chargedEach) {
        mem.allocShmem(n);
        mem.countMapped(n);
        ShmRun top = t.shm.isEmpty() ? null : t.shm.get(t.shm.size() - 1);
        if (top == null || top.memcg != memcg || top.swapped != 0 || top.mapped != top.resident) {
            top = new ShmRun(t, t.pid(), seq++, memcg);
            t.shm.add(top);
            memcg.shmRuns.add(top);
        }
        top.addResident(n);
        top.mapped += n;
        memcg.addStat(StatItem.CACHE, n);
        memcg.addStat(StatItem.INACTIVE_ANON, n);
        memcg.addStat(StatItem.MAPPED_FILE, n);
        memcg.addStat(StatItem.PGPGIN, n);
        events.countCommitted(memcg, n, chargedEach);
    }

    /** Takes {@code k} resident pages out of a run's counts (unmapped ones first). */
    private void dropResident(ShmRun r, long k) {
        long unmap = Math.max(0, k - (r.resident - r.mapped));
        r.mapped -= unmap;
        r.resident -= k;
        mem.countMapped(-unmap);
        MemCgroup m = r.memcg;
        m.addStat(StatItem.MAPPED_FILE, -unmap);
        m.addStat(StatItem.CACHE, -k);
        m.addStat(StatItem.INACTIVE_ANON, -k);
    }

    /** Releases up to {@code n} pages of the task's segments, newest first: resident, then swapped. */
    // kernel: ipc/shm.c shm_destroy() -> mm/shmem.c shmem_truncate_range()
    public long release(Task t, long n, List<MemCgroup> groups) {
        long done = release(t.shm, n);
        if (done < n) {
            done += Math.max(0, releaseLeftover(t.pid(), groups, n - done)); // then what an earlier task of this pid left
        }
        return done;
    }

    /**
     * Releases up to {@code n} pages of the segments an exited task with this pid left, newest
     * first; returns -1 when it left none.
     */
    public long releaseLeftover(int pid, List<MemCgroup> groups, long n) {
        List<ShmRun> left = new java.util.ArrayList<>();
        for (MemCgroup g : groups) {
            for (ShmRun r : g.shmRuns) {
                if (r.owner == null && r.creator == pid) {
                    left.add(r);
                }
            }
        }
        if (left.isEmpty()) {
            return -1;
        }
        left.sort(java.util.Comparator.comparingLong(r -> r.seq));
        return release(left, n);
    }

    private long release(List<ShmRun> runs, long n) {
        pages.uncharger.start(false, true);
        try {
            long done = 0;
            while (done < n && !runs.isEmpty()) {
                ShmRun r = runs.get(runs.size() - 1);
                long k = Math.min(n - done, r.resident);
                if (k > 0) {
                    dropResident(r, k);
                    mem.freeShmem(k);
                    pages.uncharge(r.memcg, k, true);
                    done += k;
                }
                long s = Math.min(n - done, r.swapped);
                if (s > 0) {
                    r.swapped -= s;
                    pages.freeSwapEntries(r.memcg, s);
                    done += s;
                }
                if (r.resident == 0 && r.swapped == 0) {
                    runs.remove(runs.size() - 1);
                    r.memcg.shmRuns.remove(r);
                }
            }
            return done;
        } finally {
            pages.uncharger.end();
        }
    }

    /** The task exits: its segments stay, detached (unmapped), charged, with no owner. */
    // kernel: ipc/shm.c exit_shm() / shm_close(): segments without IPC_RMID outlive their creator
    public void detach(Task t) {
        for (ShmRun r : t.shm) {
            mem.countMapped(-r.mapped);
            r.memcg.addStat(StatItem.MAPPED_FILE, -r.mapped);
            r.mapped = 0;
            r.owner = null;
        }
        t.shm.clear();
    }

    /** Writes up to {@code n} resident pages of the run to swap; returns pages written. */
    // kernel: mm/shmem.c shmem_writepage() -> mm/memcontrol.c mem_cgroup_uncharge_swapcache()
    long swapOut(ShmRun r, long n) {
        long k = Math.min(Math.min(n, r.resident), mem.swapRoom());
        if (k <= 0) {
            return 0;
        }
        dropResident(r, k);
        r.swapped += k;
        mem.shmemSwapOut(k);
        r.memcg.addStat(StatItem.SWAP, k);
        pages.uncharge(r.memcg, k, false);
        return k;
    }

    /** Reads swapped pages back into the segment (charged by the caller); they come back unmapped. */
    // kernel: mm/shmem.c shmem_unuse() -> mem_cgroup_cache_charge(), mem_cgroup_uncharge_swap()
    public void swapIn(ShmRun r, long n) {
        r.swapped -= n;
        r.addResident(n);
        mem.shmemSwapIn(n);
        MemCgroup m = r.memcg;
        m.addStat(StatItem.CACHE, n);
        m.addStat(StatItem.INACTIVE_ANON, n);
        m.addStat(StatItem.SWAP, -n);
        m.addStat(StatItem.PGPGIN, n);
        events.count(m, n, -1, false, false);
        if (!m.isRoot()) {
            m.memsw.uncharge(n * PhysMem.PAGE_SIZE);
        }
    }

    /**
     * swapoff reads {@code n} swapped pages of a dying group's segment run back in: shmem_unuse()
     * charges the swapoff caller's mm, here the shell's (the root, which keeps no counters), as
     * css_tryget() fails on the removed group; the entries' memsw charge and reference go back to
     * the dying one. The pages, unmapped, join {@code into} or a new run of {@code to} beside it,
     * which is returned.
     */
    // kernel: mm/shmem.c shmem_unuse() -> mem_cgroup_cache_charge(current->mm), __mem_cgroup_commit_charge_swapin()
    public ShmRun swapInForCaller(ShmRun r, long n, MemCgroup to, ShmRun into) {
        MemCgroup from = r.memcg;
        r.swapped -= n;
        mem.shmemSwapIn(n);
        ShmRun in = into;
        if (in == null) {
            in = new ShmRun(r.owner, r.creator, r.seq, to);
            if (r.owner != null) {
                r.owner.shm.add(r.owner.shm.indexOf(r) + 1, in);
            }
            to.shmRuns.add(in);
        }
        in.addResident(n);
        to.addStat(StatItem.CACHE, n);
        to.addStat(StatItem.INACTIVE_ANON, n);
        to.addStat(StatItem.PGPGIN, n);
        events.count(to, n, -1, false, false);
        if (r.resident == 0 && r.swapped == 0) {
            from.shmRuns.remove(r);
            if (r.owner != null) {
                r.owner.shm.remove(r);
            }
        }
        pages.dropDyingSwap(from, n);
        return in;
    }
}
