package io.memfleet.kernel.slab;

import io.memfleet.kernel.sim.EventQueue;
import io.memfleet.kernel.sim.SimClock;
import java.util.List;

/**
 * Long ticks on an idle node. Once every array and free list the reap timers look at is empty,
 * a firing of cache_reap can only move the next-reap time of the caches whose node lists fall
 * due; nothing else changes until a command runs. The rest of such a tick is then skipped: each
 * cache gets the next-reap time the skipped firings would have left, and each CPU's timer its
 * first firing after the tick, in the same order. The result is the state the firings one by one
 * would give, in time that does not grow with the tick's length.
 */
final class IdleReap {
    static final long PERIOD_NS = 2 * SimClock.NSEC_PER_SEC;

    private IdleReap() {
    }

    /** True when no reap firing would free anything: every reaped cache's arrays and free list empty. */
    // kernel: mm/slab.c cache_reap() / drain_array() / drain_freelist(), the cases that do nothing
    static boolean idle(SlabAllocator alloc) {
        for (KmemCache c : alloc.chain()) {
            if (skipped(c)) {
                continue;
            }
            for (ArrayCache ac : c.array) {
                if (ac != null && ac.avail > 0) {
                    return false;
                }
            }
            KmemCacheNode l3 = c.node;
            if ((l3.shared != null && l3.shared.avail > 0) || l3.freeTouched || !l3.slabsFree.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The caches cache_reap passes over: destroyed, or a dead per-cgroup cache (no references left). */
    static boolean skipped(KmemCache c) {
        return c.destroyed || (c.root != null && c.refcnt == 0);
    }

    /** Skips the reap firings of an idle node up to {@code untilNs} (see the class comment). */
    // kernel: mm/slab.c cache_reap(): the l3->next_reap bookkeeping of firings that free nothing
    static void skip(SlabAllocator alloc, EventQueue events, List<EventQueue.SimEvent> timers, long untilNs) {
        SimClock clock = events.clock();
        long[] ns = new long[timers.size()];
        long[] jiffies = new long[timers.size()];
        for (int i = 0; i < ns.length; i++) {
            ns[i] = timers.get(i).timeNs();
            jiffies[i] = clock.jiffiesAt(ns[i]);
        }
        if (ns.length == 0) {
            return;
        }
        ReapLattice firings = new ReapLattice(ns, jiffies, PERIOD_NS, 2L * clock.hz());
        long period = SlabAllocator.reapTimeoutList3(clock.hz());
        for (KmemCache c : alloc.chain()) {
            if (!skipped(c)) {
                c.node.nextReapJiffies = firings.nextReapAfter(c.node.nextReapJiffies, period, untilNs);
            }
        }
    }
}
