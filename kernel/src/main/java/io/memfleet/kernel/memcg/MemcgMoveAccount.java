package io.memfleet.kernel.memcg;

import io.memfleet.kernel.image.StatItem;
import java.util.List;

/**
 * mem_cgroup_move_account() for every kind of page the model has: a run's statistics, LRU place
 * and owner's list follow the move; the callers ({@link MemcgMoveCharge}) move the charges first.
 * A partial move splits the run.
 */
final class MemcgMoveAccount {
    private final MemcgEvents events;

    MemcgMoveAccount(MemcgEvents events) {
        this.events = events;
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
            moved.mapped = Math.min(k, r.mapped);
            r.pages -= k;
            r.mapped -= moved.mapped;
            List<FileRun> own = MemcgPages.ownerList(r);
            if (own != null) {
                own.add(own.indexOf(r), moved);
            }
            r = moved;
        } else {
            from.fileRuns.remove(r);
        }
        from.addStat(StatItem.MAPPED_FILE, -r.mapped);
        to.addStat(StatItem.MAPPED_FILE, r.mapped);
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

    /** Moves {@code k} resident pages of a shared memory run (the caller has moved the charges); a partial move splits it. */
    // kernel: mm/memcontrol.c mem_cgroup_move_account() for a shmem page
    void moveShmResident(ShmRun r, MemCgroup to, long k) {
        if (k < r.resident || r.swapped > 0) {
            ShmRun moved = new ShmRun(r.owner, r.creator, r.seq, r.memcg);
            moved.resident = k;
            moved.mapped = Math.min(k, r.mapped);
            r.resident -= k;
            r.mapped -= moved.mapped;
            if (r.owner != null) {
                r.owner.shm.add(r.owner.shm.indexOf(r) + 1, moved);
            }
            r = moved;
        }
        moveShmRun(r, to);
    }

    /** Moves a shared memory run's swap entries, and the run itself once nothing of it is resident. */
    void moveShmSwap(ShmRun r, MemCgroup to) {
        r.memcg.addStat(StatItem.SWAP, -r.swapped);
        to.addStat(StatItem.SWAP, r.swapped);
        if (r.resident == 0) {
            r.memcg.shmRuns.remove(r);
            to.shmRuns.add(r);
            r.memcg = to;
        }
    }

    /** Moves a whole shared memory run, resident pages and swap entries. */
    void moveShmRun(ShmRun r, MemCgroup to) {
        MemCgroup from = r.memcg;
        long k = r.resident;
        from.addStat(StatItem.CACHE, -k);
        to.addStat(StatItem.CACHE, k);
        from.addStat(StatItem.INACTIVE_ANON, -k);
        to.addStat(StatItem.INACTIVE_ANON, k);
        from.addStat(StatItem.MAPPED_FILE, -r.mapped);
        to.addStat(StatItem.MAPPED_FILE, r.mapped);
        from.addStat(StatItem.PGPGOUT, k);
        to.addStat(StatItem.PGPGIN, k);
        from.addStat(StatItem.SWAP, -r.swapped);
        to.addStat(StatItem.SWAP, r.swapped);
        events.count(to, k, 0);
        events.count(from, k, 0);
        from.shmRuns.remove(r);
        to.shmRuns.add(r);
        r.memcg = to;
    }
}
