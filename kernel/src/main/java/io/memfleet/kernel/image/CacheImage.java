package io.memfleet.kernel.image;

/**
 * One slab cache as /proc/slabinfo shows it, plus whose it is: {@code memcgId} is the owning
 * cgroup's css id (0 for a root cache or a dead one), {@code memcgPath} the owner's path, or for a
 * dead cache the path of the removed cgroup it belonged to ("" for a root cache).
 */
public record CacheImage(String name, int memcgId, String memcgPath, boolean memcgCache, boolean dead,
                         long activeObjs, long numObjs, int objsize, int objperslab, int pagesperslab, int limit,
                         int batchcount, int shared, long activeSlabs, long numSlabs, long sharedAvail) {
    /** The root cache's name: {@code dentry} for {@code dentry(5:web)} and {@code dentry(5:web)dead}. */
    public String rootName() {
        int paren = name.indexOf('(');
        return paren < 0 ? name : name.substring(0, paren);
    }
}
