package io.memfleet.kernel.image;

/** The node-wide page counts behind /proc/meminfo, in pages. */
public record MemInfoImage(long totalPages, long freePages, long cachedPages, long activeAnonPages,
                           long unevictablePages, long anonPages, long mlockedPages, long swapTotalPages,
                           long swapFreePages, long slabReclaimablePages, long slabUnreclaimablePages) {
    public static long kb(long pages) {
        return pages * StatItem.PAGE_SIZE >> 10;
    }
}
