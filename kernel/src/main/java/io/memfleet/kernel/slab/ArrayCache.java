package io.memfleet.kernel.slab;

/**
 * struct array_cache: a LIFO of free object handles, per CPU (and one shared per node). The entry
 * array is allocated on first use and grows with use up to {@code limit}, so idle and lightly used
 * caches cost a few bytes (the kernel's fixed-size array is a sizing detail, not state).
 */
final class ArrayCache {
    int limit;
    int batchcount;
    int avail;
    boolean touched;
    int[] entry;

    ArrayCache(int limit, int batchcount) {
        this.limit = limit;
        this.batchcount = batchcount;
    }

    private static final int FIRST_CAPACITY = 16;
    private static final int[] NONE = new int[0];

    /** An empty array gives its room back (a quiet cache's, kept for days): it grows again with use. */
    void trim() {
        if (avail == 0 && entry != null && entry.length > 0) {
            entry = NONE;
        }
    }

    /** Makes room for {@code more} entries past {@code avail} (never more than the cache holds). */
    void ensureCapacity(int more) {
        int need = avail + more;
        if (entry == null || entry.length < need) {
            int grown = entry == null || entry.length == 0 ? FIRST_CAPACITY : entry.length * 2;
            int[] n = new int[Math.max(need, Math.min(Math.max(limit, 1), grown))];
            if (entry != null) {
                System.arraycopy(entry, 0, n, 0, avail);
            }
            entry = n;
        }
    }

    /** Drops the first {@code n} entries, sliding the rest down (memmove in the kernel). */
    void shift(int n) {
        avail -= n;
        System.arraycopy(entry, n, entry, 0, avail);
    }

    /** Moves up to {@code max} of the newest objects of {@code from} here (the caller made room); returns how many. */
    // kernel: mm/slab.c transfer_objects()
    int transferFrom(ArrayCache from, int max) {
        int nr = Math.min(Math.min(from.avail, max), limit - avail);
        if (nr <= 0) {
            return 0;
        }
        from.avail -= nr;
        System.arraycopy(from.entry, from.avail, entry, avail, nr);
        avail += nr;
        return nr;
    }
}
