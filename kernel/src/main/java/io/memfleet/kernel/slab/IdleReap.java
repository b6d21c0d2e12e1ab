package io.memfleet.kernel.slab;

import io.memfleet.kernel.sim.EventQueue;
import io.memfleet.kernel.sim.SimClock;
import java.util.List;

/**
 * Long ticks on an idle node. Once every cache the reap timers visit is quiet ({@link ReapSet}),
 * a firing of cache_reap can only move the next-reap time of the caches whose node lists fall
 * due; nothing else changes until a command runs. The rest of such a tick is then skipped: each
 * CPU's timer moves to its first firing after the tick, in the same order, and each cache's
 * next-reap time is brought up to date from the lattice of firing times when it is next touched
 * or saved. The result is the state the firings one by one would give, in time that does not
 * grow with the tick's length.
 */
final class IdleReap {
    static final long PERIOD_NS = 2 * SimClock.NSEC_PER_SEC;

    private IdleReap() {
    }

    /** The caches cache_reap passes over: destroyed, or a dead per-cgroup cache (no references left). */
    static boolean skipped(KmemCache c) {
        return c.destroyed || (c.root != null && c.refcnt == 0);
    }

    /** The lattice of every later firing of the reap {@code timers} (each fires every 2 s from its next time). */
    static ReapLattice firings(SimClock clock, List<EventQueue.SimEvent> timers) {
        long[] ns = new long[timers.size()];
        long[] jiffies = new long[timers.size()];
        for (int i = 0; i < ns.length; i++) {
            ns[i] = timers.get(i).timeNs();
            jiffies[i] = clock.jiffiesAt(ns[i]);
        }
        return new ReapLattice(ns, jiffies, PERIOD_NS, 2L * clock.hz());
    }
}
