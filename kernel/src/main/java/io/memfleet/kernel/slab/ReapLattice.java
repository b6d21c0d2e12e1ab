package io.memfleet.kernel.slab;

import io.memfleet.kernel.sim.SimClock;
import java.util.Arrays;

/**
 * The cache_reap timer firings of every CPU from now on, CPU c at {@code firstNs[c] + k * 2 s}
 * (k >= 0), with their jiffies, answering "which firing is the first whose jiffies reach x". On
 * an idle node (every array and free list empty) a firing changes nothing but the next-reap time
 * of each cache whose node lists fall due, so the caches' next-reap times after a long tick can be
 * computed from this lattice instead of by running each firing: the time a tick takes no longer
 * grows with its length.
 */
final class ReapLattice {
    private final long periodNs;
    private final long periodJiffies;
    private final long[] firstNs;
    private final long[] firstJiffies;
    private final long maxFirstJiffies;
    /** Past maxFirstJiffies: one firing per distinct jiffy phase (the earliest), sorted by phase. */
    private final long base;
    private final long[] phaseJiffies;
    private final long[] phaseNs;

    /** A firing: when, and its jiffies. */
    record Firing(long ns, long jiffies) { }

    ReapLattice(long[] firstNs, long[] firstJiffies, long periodNs, long periodJiffies) {
        this.periodNs = periodNs;
        this.periodJiffies = periodJiffies;
        this.firstNs = firstNs;
        this.firstJiffies = firstJiffies;
        this.maxFirstJiffies = Arrays.stream(firstJiffies).max().orElse(0);
        this.base = Arrays.stream(firstJiffies).min().orElse(0);
        int n = firstNs.length;
        long[][] norm = new long[n][];
        for (int c = 0; c < n; c++) {
            long m = Math.floorDiv(firstJiffies[c] - base, periodJiffies);
            norm[c] = new long[] {firstJiffies[c] - m * periodJiffies, firstNs[c] - m * periodNs};
        }
        Arrays.sort(norm, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        long[] pj = new long[n];
        long[] pn = new long[n];
        int k = 0;
        for (long[] e : norm) {
            if (k == 0 || pj[k - 1] != e[0]) {
                pj[k] = e[0];
                pn[k] = e[1];
                k++;
            }
        }
        this.phaseJiffies = Arrays.copyOf(pj, k);
        this.phaseNs = Arrays.copyOf(pn, k);
    }

    /** The earliest firing whose jiffies are at least {@code x}. */
    Firing first(long x) {
        if (x < maxFirstJiffies) {
            long bestNs = Long.MAX_VALUE;
            long bestJ = 0;
            for (int c = 0; c < firstNs.length; c++) {
                long k = x <= firstJiffies[c] ? 0 : Math.floorDiv(x - firstJiffies[c] + periodJiffies - 1, periodJiffies);
                long ns = SimClock.later(firstNs[c], k, periodNs);
                if (ns < bestNs) {
                    bestNs = ns;
                    bestJ = firstJiffies[c] + k * periodJiffies;
                }
            }
            return new Firing(bestNs, bestJ);
        }
        long q = x - base;
        long m = Math.floorDiv(q, periodJiffies);
        long r = base + (q - m * periodJiffies);
        int i = Arrays.binarySearch(phaseJiffies, r);
        if (i < 0) {
            i = -i - 1;
        }
        if (i == phaseJiffies.length) {
            i = 0;
            m++;
        }
        return new Firing(SimClock.later(phaseNs[i], m, periodNs), phaseJiffies[i] + m * periodJiffies);
    }


    /**
     * A cache's next-reap time after every firing up to {@code untilNs} on an idle node: each
     * firing at or past it sets it to that firing's jiffies plus {@code step}. Once the firings it
     * falls on repeat their phase, whole cycles are skipped at once.
     */
    long nextReapAfter(long nextReap, long step, long untilNs) {
        Firing f = first(nextReap);
        if (f.ns() > untilNs) {
            return nextReap;
        }
        java.util.Map<Long, Firing> seen = new java.util.HashMap<>();
        boolean skipped = false;
        while (true) {
            long want = f.jiffies() + step;
            Firing g = first(want);
            if (g.ns() > untilNs) {
                return want;
            }
            f = g;
            if (!skipped && f.jiffies() >= maxFirstJiffies) {
                Firing prev = seen.put(Math.floorMod(f.jiffies() - base, periodJiffies), f);
                if (prev != null) {
                    long cycles = (untilNs - f.ns()) / (f.ns() - prev.ns());
                    f = new Firing(f.ns() + cycles * (f.ns() - prev.ns()), f.jiffies() + cycles * (f.jiffies() - prev.jiffies()));
                    skipped = true;
                }
            }
        }
    }
}
