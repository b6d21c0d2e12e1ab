package io.memfleet.kernel.image;

/**
 * The node-wide page counts behind /proc/meminfo, in pages. {@code cachedPages} is NR_FILE_PAGES
 * (page cache and shmem); shmem sits on the inactive anon list, the rest on the inactive file list.
 */
public record MemInfoImage(long totalPages, long freePages, long cachedPages, long activeAnonPages,
                           long unevictablePages, long anonPages, long mlockedPages, long swapTotalPages,
                           long swapFreePages, long slabReclaimablePages, long slabUnreclaimablePages,
                           long mappedPages, long shmemPages) {
    public static long kb(long pages) {
        return pages * StatItem.PAGE_SIZE >> 10;
    }
}
