package io.memfleet.kernel.slab;

import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.ResCounter;
import java.util.List;

/**
 * The {@code kmem-reparent} option, a later kernel's design (obj_cgroup reparenting, Linux 5.9
 * on), not 3.3's: at rmdir a group's slab charge moves to its parent instead of being unaccounted,
 * and its dead caches (with those dead caches of removed descendants already reparented to it)
 * are uncharged from the parent from then on. Which counters move: kmem, and res when the group's
 * kmem is charged to res too (no independent kmem limit), and memsw with
 * {@code kmem-memsw-consistent}. A counter chained to the parent's (use_hierarchy) is lowered
 * alone, since the parent's already holds the charge; an unchained one is uncharged and the parent
 * charged without a limit check (as res_counter_charge_nofail()). The root keeps no counters in
 * 3.3, so a child of the root hands its kmem to nobody (as 3.3 with v2 does).
 */
final class KmemReparent {
    private KmemReparent() {
    }

    // kernel: mm/memcontrol.c memcg_reparent_objcgs() (5.9; a later kernel's design)
    static void reparent(MemCgroup memcg, MemCgroup heir, List<KmemCache> chain, boolean memswToo) {
        for (KmemCache c : chain) {
            if (c.dead && c.deadOwner == memcg) {
                c.deadOwner = heir;
            }
        }
        long kmem = memcg.kmem().usage();
        moveCharge(memcg.kmem(), heir == null ? null : heir.kmem(), kmem);
        if (!memcg.independentKmemLimit()) {
            moveCharge(memcg.res(), heir == null ? null : heir.res(), kmem);
            if (memswToo) {
                moveCharge(memcg.memsw(), heir == null ? null : heir.memsw(), kmem);
            }
        }
    }

    private static void moveCharge(ResCounter from, ResCounter to, long bytes) {
        if (to != null && from.hasAncestor(to)) {
            from.unchargeUntil(bytes, to);
            return;
        }
        from.uncharge(bytes);
        if (to != null) {
            to.chargeNofail(bytes);
        }
    }
}
