package io.memfleet.kernel.mm;

/** The node's physical memory and swap, in pages. Charges to cgroups are kept elsewhere. */
public final class PhysMem {
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;

    private final long totalPages;
    private final long swapPages;
    private long freePages;
    private long swapUsed;
    private long anonPages;
    private long lockedPages;
    private long cachePages;
    private long slabReclaimablePages;
    private long slabUnreclaimablePages;

    public PhysMem(long totalPages, long swapPages) {
        this.totalPages = totalPages;
        this.swapPages = swapPages;
        this.freePages = totalPages;
    }

    public long totalPages() {
        return totalPages;
    }

    public long freePages() {
        return freePages;
    }

    public long swapPages() {
        return swapPages;
    }

    public long swapFree() {
        return swapPages - swapUsed;
    }

    public long swapUsed() {
        return swapUsed;
    }

    public long anonPages() {
        return anonPages;
    }

    public long lockedPages() {
        return lockedPages;
    }

    public long cachePages() {
        return cachePages;
    }

    public long slabReclaimablePages() {
        return slabReclaimablePages;
    }

    public long slabUnreclaimablePages() {
        return slabUnreclaimablePages;
    }

    /** The changing counters, for a checkpoint: free, swap used, anon, locked, cache, slab (reclaimable, not). */
    public long[] counters() {
        return new long[] {freePages, swapUsed, anonPages, lockedPages, cachePages, slabReclaimablePages,
            slabUnreclaimablePages};
    }

    /** Restores what {@link #counters()} returned. */
    public void restoreCounters(long[] c) {
        if (c.length != 7) {
            throw new IllegalArgumentException("expected 7 counters, got " + c.length);
        }
        freePages = c[0];
        swapUsed = c[1];
        anonPages = c[2];
        lockedPages = c[3];
        cachePages = c[4];
        slabReclaimablePages = c[5];
        slabUnreclaimablePages = c[6];
    }

    private void take(long pages) {
        if (pages > freePages) {
            throw new IllegalStateException("allocating " + pages + " pages with " + freePages + " free");
        }
        freePages -= pages;
    }

    public void allocAnon(long pages, boolean locked) {
        take(pages);
        anonPages += pages;
        if (locked) {
            lockedPages += pages;
        }
    }

    public void freeAnon(long pages, boolean locked) {
        freePages += pages;
        anonPages -= pages;
        if (locked) {
            lockedPages -= pages;
        }
    }

    public void allocCache(long pages) {
        take(pages);
        cachePages += pages;
    }

    public void freeCache(long pages) {
        freePages += pages;
        cachePages -= pages;
    }

    public void allocSlab(long pages, boolean reclaimable) {
        take(pages);
        if (reclaimable) {
            slabReclaimablePages += pages;
        } else {
            slabUnreclaimablePages += pages;
        }
    }

    public void freeSlab(long pages, boolean reclaimable) {
        freePages += pages;
        if (reclaimable) {
            slabReclaimablePages -= pages;
        } else {
            slabUnreclaimablePages -= pages;
        }
    }

    /** Moves resident anonymous pages out to swap. */
    public void swapOut(long pages) {
        swapUsed += pages;
        freePages += pages;
        anonPages -= pages;
    }

    public void freeSwap(long pages) {
        swapUsed -= pages;
    }
}
