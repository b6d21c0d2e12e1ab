package io.memfleet.agent.core;

/**
 * The last few workload records a node applied, as (first seq, content hash): a record that
 * comes again with the same first seq is a redelivery if its bytes hash the same, and a producer
 * reusing seqs for other events if not. Older records than the window cannot be told apart and
 * count as redeliveries. Kept in memory only (a restored node starts with an empty window).
 */
final class RecentRecords {
    private static final int WINDOW = 16;
    private final long[] firstSeq = new long[WINDOW];
    private final long[] hash = new long[WINDOW];
    private int next;

    void add(long seq, byte[] value) {
        firstSeq[next] = seq;
        hash[next] = hash(value);
        next = (next + 1) % WINDOW;
    }

    /** True if a record starting at {@code seq} was applied within the window with other bytes. */
    boolean reusedWithOtherContent(long seq, byte[] value) {
        for (int i = 0; i < WINDOW; i++) {
            if (firstSeq[i] == seq && seq != 0) {
                return hash[i] != hash(value);
            }
        }
        return false;
    }

    /** 64-bit FNV-1a. */
    static long hash(byte[] b) {
        long h = 0xcbf29ce484222325L;
        for (byte x : b) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
