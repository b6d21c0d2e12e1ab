package io.memfleet.kernel;

import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.memcg.AnonRun;
import io.memfleet.kernel.memcg.ChargeMode;
import io.memfleet.kernel.memcg.ChargeResult;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemcgCharger;
import io.memfleet.kernel.memcg.MemcgMoveCharge;
import io.memfleet.kernel.memcg.MemcgPages;
import io.memfleet.kernel.memcg.MemcgStock;
import io.memfleet.kernel.memcg.OomKiller;
import io.memfleet.kernel.memcg.ShmPages;
import io.memfleet.kernel.memcg.ShmRun;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.memcg.TaskTable;
import io.memfleet.kernel.mm.PhysMem;
import java.util.ArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * The node's one swap area, turned off and on (SIM-SCRIPT 1.1 {@code swapoff} / {@code swapon}).
 * swapoff first stops reclaim writing to the area, then reads every swapped page back, task by
 * task in task-list order and each task's runs oldest first: each page needs a free page (global
 * reclaim, then the global OOM killer) and a charge to the cgroup that owns it (limit reclaim,
 * then that cgroup's OOM killer, which may kill the very task whose pages come in; its swap goes
 * with it). A page that can be neither placed nor charged ends the swapoff with ENOMEM, the
 * pages read so far stay in, and the area is writable again, as sys_swapoff() re-inserts it.
 */
final class SwapFile {
    private final PhysMem mem;
    private final MemController mc;
    private final MemcgStock stock;
    private final MemcgCharger charger;
    private final MemcgPages memcgPages;
    private final ShmPages shm;
    private final UserMemory user;
    private final TaskTable tasks;

    SwapFile(PhysMem mem, MemController mc, MemcgStock stock, MemcgCharger charger, MemcgPages memcgPages,
             ShmPages shm, UserMemory user, TaskTable tasks) {
        this.mem = mem;
        this.mc = mc;
        this.stock = stock;
        this.charger = charger;
        this.memcgPages = memcgPages;
        this.shm = shm;
        this.user = user;
        this.tasks = tasks;
    }

    // kernel: mm/swapfile.c sys_swapoff() / try_to_unuse() / unuse_pte() (mem_cgroup_try_charge_swapin)
    Errno swapoff() {
        if (!mem.swapOn()) {
            return Errno.EINVAL;
        }
        if (mem.swapUsed() > TaskOps.MAX_PAGES_PER_COMMAND) {
            return Errno.E2BIG;
        }
        mem.setSwapWritable(false);
        for (Task t : tasks.snapshot()) {
            for (AnonRun r : new ArrayList<>(t.anon)) {
                AnonRun[] into = {null};
                while (r.swapped > 0 && !t.exited()) {
                    boolean dying = r.memcg.isDying(); // charged to the owner's group, not to the removed one
                    MemCgroup memcg = dying ? t.memcg() : r.memcg;
                    LongConsumer in = dying ? n -> into[0] = memcgPages.swapInForOwner(r, n, memcg, into[0])
                            : n -> memcgPages.swapIn(r, n);
                    if (!readBack(memcg, r.swapped, () -> t.exited() || r.swapped == 0, in)) {
                        if (t.exited()) {
                            break; // the OOM killer took the owner, and its swap with it
                        }
                        mem.setSwapWritable(true);
                        return Errno.ENOMEM;
                    }
                }
            }
        }
        // kernel: mm/shmem.c shmem_unuse(): shared memory comes back whoever attached it
        for (MemCgroup g : mc.allWithDying()) {
            for (ShmRun r : g.shmRunsOldestFirst()) {
                ShmRun[] into = {null};
                while (r.swapped > 0) {
                    boolean dying = r.memcg.isDying(); // charged to the caller's (the shell's) group, the root
                    MemCgroup memcg = dying ? mc.root() : r.memcg;
                    LongConsumer in = dying ? n -> into[0] = shm.swapInForCaller(r, n, memcg, into[0])
                            : n -> shm.swapIn(r, n);
                    if (!readBack(memcg, r.swapped, () -> r.swapped == 0, in)) {
                        if (r.swapped == 0) {
                            break;
                        }
                        mem.setSwapWritable(true);
                        return Errno.ENOMEM;
                    }
                }
            }
        }
        mem.setSwapPages(0);
        return Errno.OK;
    }

    /**
     * One page (or a run of stock hits) of swapped pages of {@code memcg} back in through
     * {@code in}; false if it could not be placed or charged, or {@code gone} says the pages went
     * meanwhile (the OOM killer took their owner).
     */
    private boolean readBack(MemCgroup memcg, long swapped, BooleanSupplier gone, LongConsumer in) {
        if (user.ensureFreePage(null, OomKiller.GFP_HIGHUSER_MOVABLE) != ChargeResult.OK || gone.getAsBoolean()) {
            return false;
        }
        long pages = 1;
        if (!memcg.isRoot()) {
            pages = stock.consumeUpTo(MemcgMoveCharge.SHELL_CPU, memcg, Math.min(swapped, mem.freePages()));
            if (pages == 0) {
                ChargeResult c = charger.tryCharge(null, MemcgMoveCharge.SHELL_CPU, memcg, 1, ChargeMode.EXACT,
                        OomKiller.GFP_KERNEL);
                if (c != ChargeResult.OK) {
                    return false;
                }
                if (gone.getAsBoolean()) {
                    // kernel: mm/memcontrol.c mem_cgroup_cancel_charge_swapin(): the OOM killer took the page's owner
                    charger.cancelCharge(memcg, 1);
                    return false;
                }
                pages = 1;
            }
        }
        in.accept(pages);
        return true;
    }

    // kernel: mm/swapfile.c sys_swapon()
    Errno swapon() {
        if (mem.configuredSwapPages() == 0) {
            return Errno.ENOENT; // the node has no swap device
        }
        if (mem.swapOn()) {
            return Errno.EBUSY;
        }
        mem.setSwapPages(mem.configuredSwapPages());
        return Errno.OK;
    }
}
