package io.memfleet.kernel.slab;

/**
 * struct array_cache: a LIFO of free object handles, per CPU (and one shared per node). The entry
 * array is allocated on first use so idle caches cost a few bytes.
 */
final class ArrayCache {
    int limit;
    int batchcount;
    int avail;
    boolean touched;
    long[] entry;

    ArrayCache(int limit, int batchcount) {
        this.limit = limit;
        this.batchcount = batchcount;
    }

    void ensureCapacity() {
        if (entry == null || entry.length < limit) {
            long[] n = new long[Math.max(limit, 1)];
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
}
