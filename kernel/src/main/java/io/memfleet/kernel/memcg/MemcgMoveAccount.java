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
     * caller has moved their charges. The pages join {@code into} (what an earlier part of the same
     * move made, or null); else a partial move (or one leaving swap entries behind) splits the run:
     * the moved pages become a run of their own beside it in the task's list. Returns the run that
     * holds them.
     */
    // kernel: mm/memcontrol.c mem_cgroup_move_account() for anonymous pages
    AnonRun moveResident(AnonRun r, MemCgroup to, long k, AnonRun into) {
        MemCgroup from = r.memcg;
        if (into != null && into.memcg == to && into.owner == r.owner && into.locked == r.locked && into != r) {
            r.resident -= k;
            into.addResident(k);
            moveResidentStats(from, to, k, r.locked);
            if (r.isEmpty()) {
                from.anonRuns.remove(r);
                r.owner.anon.remove(r);
            }
            return into;
        }
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
        return r;
    }

    private void moveResidentStats(MemCgroup from, MemCgroup to, long k, boolean locked) {
        StatItem lru = locked ? StatItem.UNEVICTABLE : StatItem.ACTIVE_ANON;
        from.addStat(StatItem.RSS, -k);
        to.addStat(StatItem.RSS, k);
        from.addStat(lru, -k);
        to.addStat(lru, k);
        from.addStat(StatItem.PGPGOUT, k);
        to.addStat(StatItem.PGPGIN, k);
        events.count(to, k, 0, false, false);
        events.count(from, k, 0, false, false);
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

    /**
     * Moves {@code k} pages of a page-cache run to {@code to} (the caller has moved the charges):
     * into {@code into} as {@link #moveResident} does, else splitting a partial move. Returns the
     * run that holds them.
     */
    // kernel: mm/memcontrol.c mem_cgroup_move_account() for a page-cache page
    FileRun moveCachePages(FileRun r, MemCgroup to, long k, FileRun into) {
        MemCgroup from = r.memcg;
        if (into != null && into.memcg == to && into.owner == r.owner && into.pages > 0 && into != r) {
            long mapped = Math.min(k, r.mapped);
            long extent = Math.min(k, r.extent);
            r.pages -= k;
            r.mapped -= mapped;
            r.extent -= extent;
            into.pages += k;
            into.mapped += mapped;
            into.extent += extent;
            cacheStats(from, to, k, mapped);
            if (r.pages == 0) {
                from.fileRuns.remove(r);
                List<FileRun> own = MemcgPages.ownerList(r);
                if (own != null && r.extent == 0) {
                    own.remove(r);
                }
            }
            return into;
        }
        if (k < r.pages) {
            FileRun moved = new FileRun(r.owner, from, r.seq);
            moved.mapping = r.mapping;
            moved.pages = k;
            moved.mapped = Math.min(k, r.mapped);
            moved.extent = Math.min(k, r.extent);
            r.pages -= k;
            r.mapped -= moved.mapped;
            r.extent -= moved.extent;
            List<FileRun> own = MemcgPages.ownerList(r);
            if (own != null) {
                own.add(own.indexOf(r), moved);
            }
            r = moved;
        } else {
            from.fileRuns.remove(r);
        }
        cacheStats(from, to, k, r.mapped);
        to.fileRuns.add(r);
        r.memcg = to;
        return r;
    }

    private void cacheStats(MemCgroup from, MemCgroup to, long k, long mapped) {
        from.addStat(StatItem.MAPPED_FILE, -mapped);
        to.addStat(StatItem.MAPPED_FILE, mapped);
        from.addStat(StatItem.CACHE, -k);
        to.addStat(StatItem.CACHE, k);
        from.addStat(StatItem.INACTIVE_FILE, -k);
        to.addStat(StatItem.INACTIVE_FILE, k);
        from.addStat(StatItem.PGPGOUT, k);
        to.addStat(StatItem.PGPGIN, k);
        events.count(to, k, 0, false, false);
        events.count(from, k, 0, false, false);
    }

    /**
     * Moves {@code k} resident pages of a shared memory run (the caller has moved the charges):
     * into {@code into} as {@link #moveResident} does, else splitting a partial move. Returns the
     * run that holds them.
     */
    // kernel: mm/memcontrol.c mem_cgroup_move_account() for a shmem page
    ShmRun moveShmResident(ShmRun r, MemCgroup to, long k, ShmRun into) {
        if (into != null && into.memcg == to && into.owner == r.owner && into.creator == r.creator && into != r) {
            long mapped = Math.min(k, r.mapped);
            shmStats(r.memcg, to, k, mapped, 0);
            r.resident -= k;
            r.mapped -= mapped;
            into.addResident(k);
            into.mapped += mapped;
            if (r.resident == 0 && r.swapped == 0) {
                r.memcg.shmRuns.remove(r);
                if (r.owner != null) {
                    r.owner.shm.remove(r);
                }
            }
            return into;
        }
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
        return r;
    }

    /** Moves a whole shared memory run, resident pages and swap entries. */
    // kernel: mm/memcontrol.c mem_cgroup_move_charge_pte_range() -> mc_handle_file_pte() for shmem
    void moveShmRun(ShmRun r, MemCgroup to) {
        shmStats(r.memcg, to, r.resident, r.mapped, r.swapped);
        r.memcg.shmRuns.remove(r);
        to.shmRuns.add(r);
        r.memcg = to;
    }

    private void shmStats(MemCgroup from, MemCgroup to, long k, long mapped, long swapped) {
        from.addStat(StatItem.CACHE, -k);
        to.addStat(StatItem.CACHE, k);
        from.addStat(StatItem.INACTIVE_ANON, -k);
        to.addStat(StatItem.INACTIVE_ANON, k);
        from.addStat(StatItem.MAPPED_FILE, -mapped);
        to.addStat(StatItem.MAPPED_FILE, mapped);
        from.addStat(StatItem.PGPGOUT, k);
        to.addStat(StatItem.PGPGIN, k);
        from.addStat(StatItem.SWAP, -swapped);
        to.addStat(StatItem.SWAP, swapped);
        events.count(to, k, 0, false, false);
        events.count(from, k, 0, false, false);
    }
}
