package io.memfleet.kernel.image;

import java.util.List;

/**
 * An immutable picture of one simulated node: what telemetry reports and what its files show. The
 * kernel hands out a new one on each request; nothing in it changes afterwards.
 *
 * @param cgroups every memory cgroup, in creation order (the root first)
 * @param caches  every slab cache, in the cache chain's order (as /proc/slabinfo lists them)
 * @param tasks   live tasks
 */
public record NodeImage(long nowNs, long commandsApplied, MemInfoImage meminfo, List<CgroupImage> cgroups,
                        List<CacheImage> caches, int tasks) {
    public NodeImage {
        cgroups = List.copyOf(cgroups);
        caches = List.copyOf(caches);
    }

    /** The cgroup at {@code path}, or null. */
    public CgroupImage cgroup(String path) {
        for (CgroupImage g : cgroups) {
            if (g.path().equals(path)) {
                return g;
            }
        }
        return null;
    }
}
