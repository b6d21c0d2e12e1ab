package io.memfleet.kernel.memcg;

import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.mm.PhysMem;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Charges moving between groups: a task's pages following it into a group with
 * move_charge_at_immigrate (precharge, move, then the leftovers settled), and a group's pages
 * going to its parent at rmdir and force_empty, one page at a time through the parent's charge
 * path. Both run in the writer's context, on {@link #SHELL_CPU}: stock refills go to that CPU.
 */
public final class MemcgMoveCharge {
    /** The CPU the script's shell (the writer of cgroupfs files) runs on. */
    public static final int SHELL_CPU = 0;
    private static final long PAGE = PhysMem.PAGE_SIZE;

    private final MemcgStock stock;
    private final MemcgCharger charger;
    private final MemcgMoveAccount account;

    MemcgMoveCharge(MemcgStock stock, MemcgCharger charger, MemcgMoveAccount account) {
        this.stock = stock;
        this.charger = charger;
        this.account = account;
    }

    /**
     * Moves a task to another group, moving the charges the destination's move_charge_at_immigrate
     * asks for: bit 0 its anonymous pages and their swap entries, bit 1 the file pages it maps and
     * its attached shared memory with that memory's swap entries.
     */
    // kernel: mm/memcontrol.c mem_cgroup_can_attach() / mem_cgroup_move_task() / mem_cgroup_clear_mc()
    Errno attach(Task t, MemCgroup to) {
        MemCgroup from = t.memcg();
        if (from == to) {
            return Errno.OK;
        }
        int move = to.moveChargeAtImmigrate();
        if (move != 0 && !t.exited()) {
            long count = countPrecharge(t, from, move);
            long precharge = doPrecharge(to, count);
            if (precharge < count) {
                charger.cancelCharge(to, precharge);
                return Errno.ENOMEM;
            }
            long[] moved = new long[2]; // pages, swap entries
            if ((move & 1) != 0) {
                for (AnonRun r : t.anon) {
                    if (r.memcg == from && r.resident + r.swapped <= precharge - moved[0] - moved[1]) {
                        moved[0] += r.resident;
                        moved[1] += r.swapped;
                        account.moveRun(r, to);
                    }
                }
            }
            if ((move & 2) != 0) {
                moveFilePages(t, from, to, precharge, moved);
            }
            charger.cancelCharge(to, precharge - moved[0] - moved[1]);
            charger.cancelCharge(from, moved[0]);
            if (moved[1] > 0) {
                if (!from.isRoot()) {
                    from.memsw.uncharge(moved[1] * PAGE);
                }
                if (!to.isRoot()) {
                    to.res.uncharge(moved[1] * PAGE);
                }
            }
        }
        from.tasks().remove(t);
        to.tasks().add(t);
        t.setMemcg(to);
        return Errno.OK;
    }

    /** Bit 1: mapped page-cache pages and attached shared memory (with its swap entries) charged to {@code from}. */
    // kernel: mm/memcontrol.c mc_handle_present_pte() / mc_handle_file_pte() for file and shmem pages
    private void moveFilePages(Task t, MemCgroup from, MemCgroup to, long precharge, long[] moved) {
        for (FileRun r : t.mmaps.toArray(new FileRun[0])) {
            if (r.memcg == from && r.mapped > 0 && r.mapped <= precharge - moved[0] - moved[1]) {
                moved[0] += r.mapped;
                account.moveCachePages(r, to, r.mapped, null);
            }
        }
        for (ShmRun r : t.shm) {
            if (r.memcg == from && r.resident + r.swapped <= precharge - moved[0] - moved[1]) {
                moved[0] += r.resident;
                moved[1] += r.swapped;
                account.moveShmRun(r, to);
            }
        }
    }

    /** The pages and swap entries of the task charged to the group it leaves that the move takes. */
    // kernel: mm/memcontrol.c mem_cgroup_count_precharge()
    private static long countPrecharge(Task t, MemCgroup from, int move) {
        long n = 0;
        if ((move & 1) != 0) {
            for (AnonRun r : t.anon) {
                if (r.memcg == from) {
                    n += r.resident + r.swapped;
                }
            }
        }
        if ((move & 2) != 0) {
            for (FileRun r : t.mmaps) {
                if (r.memcg == from) {
                    n += r.mapped;
                }
            }
            for (ShmRun r : t.shm) {
                if (r.memcg == from) {
                    n += r.resident + r.swapped;
                }
            }
        }
        return n;
    }

    /**
     * Charges {@code count} pages to {@code to}: at once when more than one page and the counters
     * take them, else one page at a time through the charge path (stock, batch, reclaim in the
     * destination, no OOM killer). Returns the pages charged.
     */
    // kernel: mm/memcontrol.c mem_cgroup_do_precharge()
    private long doPrecharge(MemCgroup to, long count) {
        if (to.isRoot()) {
            return count;
        }
        if (count > 1) {
            long bytes = count * PAGE;
            if (to.res.charge(bytes) == null) {
                if (to.memsw.charge(bytes) == null) {
                    return count;
                }
                to.res.uncharge(bytes);
            }
        }
        long done = 0;
        while (done < count) {
            long k = chargePages(to, count - done);
            if (k == 0) {
                break;
            }
            done += k;
        }
        return done;
    }

    /**
     * Charges up to {@code wanted} single pages from kernel context: a run of stock hits at once,
     * else one __mem_cgroup_try_charge() of one page; returns the pages charged (0: ENOMEM).
     */
    // kernel: mm/memcontrol.c __mem_cgroup_try_charge(NULL, GFP_KERNEL, 1, &memcg, false)
    private long chargePages(MemCgroup memcg, long wanted) {
        if (memcg.isRoot()) {
            return wanted;
        }
        long k = stock.consumeUpTo(SHELL_CPU, memcg, wanted);
        if (k > 0) {
            return k;
        }
        ChargeResult r = charger.tryCharge(null, SHELL_CPU, memcg, 1, ChargeMode.BATCH_NO_OOM, OomKiller.GFP_KERNEL);
        return r == ChargeResult.OK ? 1 : 0;
    }

    /**
     * Moves what is left of a group to its parent, page by page as mem_cgroup_move_parent() does:
     * each page charged to the parent (its stock, its batch, its reclaim) and the child's charge
     * cancelled. Only pages on the LRU lists move: swap entries keep the group's css id in
     * swap_cgroup and stay charged to it (a removed group then dies until they are freed).
     * Returns ENOMEM when the parent cannot take a page.
     */
    // kernel: mm/memcontrol.c mem_cgroup_force_empty_list() / mem_cgroup_move_parent()
    Errno moveToParent(MemCgroup g) {
        MemCgroup parent = g.parent();
        for (AnonRun r : g.anonRuns.toList()) {
            AnonRun[] into = {null}; // the pages of one run, moved a stock's worth at a time, stay one run
            if (!movePages(g, parent, () -> r.memcg == g ? r.resident : 0,
                    k -> into[0] = account.moveResident(r, parent, k, into[0]))) {
                return Errno.ENOMEM;
            }
        }
        for (ShmRun r : g.shmRuns.toList()) {
            ShmRun[] into = {null};
            if (!movePages(g, parent, () -> r.memcg == g ? r.resident : 0,
                    k -> into[0] = account.moveShmResident(r, parent, k, into[0]))) {
                return Errno.ENOMEM;
            }
        }
        for (FileRun r : g.fileRuns.toList()) {
            FileRun[] into = {null};
            if (!movePages(g, parent, () -> r.memcg == g ? r.pages : 0,
                    k -> into[0] = account.moveCachePages(r, parent, k, into[0]))) {
                return Errno.ENOMEM;
            }
        }
        return Errno.OK;
    }

    /**
     * Moves a run's resident pages ({@code left}: how many are still in {@code g}) a charge at a
     * time: the parent charged, the child's charge cancelled, then {@code move} of those pages. A
     * charge whose pages the parent's reclaim took meanwhile is cancelled. False: the parent took
     * no page.
     */
    private boolean movePages(MemCgroup g, MemCgroup parent, LongSupplier left, LongConsumer move) {
        for (long n = left.getAsLong(); n > 0; n = left.getAsLong()) {
            long k = chargePages(parent, n);
            if (k == 0) {
                return false;
            }
            if (left.getAsLong() < k) {
                charger.cancelCharge(parent, k);
                continue;
            }
            charger.cancelCharge(g, k);
            move.accept(k);
        }
        return true;
    }
}
