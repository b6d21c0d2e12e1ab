package io.memfleet.kernel.slab;

import io.memfleet.kernel.image.CacheImage;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Which caches a cache_reap firing must visit. A cache whose arrays, shared array and free list
 * are empty and whose free list is untouched is quiet: a firing frees nothing from it and only
 * moves its next-reap time when its node lists fall due. Firings visit only the other caches (in
 * chain order); a quiet cache is brought up to date from the lattice of the CPUs' firing times
 * ({@link ReapLattice}) when something touches it or a checkpoint reads it. A node that keeps
 * thousands of dead caches for days then pays per firing for the caches in use, not for every
 * cache it ever made, and the state is the one visiting every cache at every firing gives.
 */
final class ReapSet {
    /** The cache chain's order: new caches go to its head. */
    static final Comparator<KmemCache> CHAIN_ORDER = Comparator.comparingLong((KmemCache c) -> c.chainSeq).reversed();

    private final TreeSet<KmemCache> active = new TreeSet<>(CHAIN_ORDER);
    private ReapLattice firings;
    private int hz;
    /** Every firing at or before this time has run (or been skipped on an idle node). */
    private long reapedUntilNs = Long.MIN_VALUE;
    /** The cache the running firing visits now, with its jiffies; null between firings. */
    private KmemCache visiting;
    private long visitingJiffies;
    /** For tests: every cache stays active, so every firing visits every cache. */
    private boolean eager;
    /** Caches visited by firings since boot: what the reap timers cost. */
    private long visits;

    /** The CPUs' reap timers (they never change phase), known once the slab layer has started them. */
    void setFirings(ReapLattice firings, int hz) {
        this.firings = firings;
        this.hz = hz;
    }

    void setEager(boolean on) {
        eager = on;
    }

    long visits() {
        return visits;
    }


    static boolean quiet(KmemCache c) {
        for (ArrayCache ac : c.array) {
            if (ac != null && ac.avail > 0) {
                return false;
            }
        }
        KmemCacheNode l3 = c.node;
        return (l3.shared == null || l3.shared.avail == 0) && !l3.freeTouched && l3.slabsFree.isEmpty();
    }

    /** A new cache: the next firing visits it. */
    void created(KmemCache c) {
        activate(c);
    }

    private void activate(KmemCache c) {
        active.add(c);
        c.reapActive = true;
    }

    private void retire(KmemCache c) {
        active.remove(c);
        c.reapActive = false;
        c.image = null; // it may have changed while firings visited it
        for (ArrayCache ac : c.array) {
            if (ac != null) {
                ac.trim();
            }
        }
        if (c.node.shared != null) {
            c.node.shared.trim();
        }
    }

    /** {@code c} is about to change: bring a quiet cache up to date and have firings visit it again. */
    void touch(KmemCache c) {
        if (c.reapActive) {
            return;
        }
        c.image = null;
        if (IdleReap.skipped(c)) {
            return;
        }
        bringUpToDate(c);
        activate(c);
    }

    /**
     * The picture of a cache that has not changed since it was made: only a cache firings no
     * longer visit keeps one (anything that changes it touches it first), so a node's thousands of
     * dead caches are not pictured anew for every telemetry sample.
     */
    CacheImage stableImage(KmemCache c) {
        return c.reapActive ? null : c.image;
    }

    void keepImage(KmemCache c, CacheImage image) {
        if (!c.reapActive) {
            c.image = image;
        }
    }

    private void bringUpToDate(KmemCache c) {
        if (firings == null) {
            return; // no firing has been started yet
        }
        long step = SlabAllocator.reapTimeoutList3(hz);
        long next = firings.nextReapAfter(c.node.nextReapJiffies, step, reapedUntilNs);
        if (visiting != null && CHAIN_ORDER.compare(c, visiting) < 0 && next <= visitingJiffies) {
            next = visitingJiffies + step; // the running firing passed it while it was quiet
        }
        c.node.nextReapJiffies = next;
    }

    /** The first cache a firing at {@code jiffies} visits, or null. */
    KmemCache first(long jiffies) {
        visitingJiffies = jiffies;
        visiting = active.isEmpty() ? null : active.first();
        return visiting;
    }

    /** After visiting {@code c}: drops it if quiet or passed over by cache_reap; returns the next cache to visit. */
    KmemCache next(KmemCache c) {
        visits++;
        if (!eager && (IdleReap.skipped(c) || quiet(c))) {
            retire(c);
        }
        visiting = active.higher(c);
        return visiting;
    }

    /** The firing that ran at {@code nowNs} is over. */
    void fired(long nowNs) {
        visiting = null;
        reapedUntilNs = nowNs;
    }

    /** True when no firing would free anything (every cache it visits is quiet or passed over). */
    boolean idle() {
        if (eager) {
            return false;
        }
        for (KmemCache c : active) {
            if (!IdleReap.skipped(c) && !quiet(c)) {
                return false;
            }
        }
        return true;
    }

    /** An idle node's firings up to {@code untilNs} are skipped: they only move next-reap times, kept lazily. */
    void skippedUntil(long untilNs) {
        for (KmemCache c : active) {
            c.image = null;
            c.reapActive = false;
        }
        active.clear();
        reapedUntilNs = untilNs;
    }

    /** Brings every quiet cache up to date, so a checkpoint holds the times visiting them would give. */
    void bringAllUpToDate(List<KmemCache> chain) {
        for (KmemCache c : chain) {
            if (!c.reapActive && !IdleReap.skipped(c)) {
                bringUpToDate(c);
            }
        }
    }

    /** After a restore: every cache up to date, so every one is visited by the next firing. */
    void restored(List<KmemCache> chain) {
        active.clear();
        for (KmemCache c : chain) {
            activate(c);
        }
        reapedUntilNs = Long.MIN_VALUE;
    }
}
