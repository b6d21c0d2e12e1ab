package io.memfleet.kernel.image;

import java.util.List;

/**
 * An immutable picture of one simulated node: what telemetry reports and what its files show. The
 * kernel hands out a new one on each request; nothing in it changes afterwards.
 *
 * @param cgroups         every live memory cgroup, in creation order (the root first)
 * @param caches          every slab cache, in the cache chain's order (as /proc/slabinfo lists them)
 * @param tasks           live tasks
 * @param dyingCgroups    groups removed by rmdir but not yet freed, in the order they were removed
 *                        (never in {@code cgroups})
 * @param cssIdsInUse     memory css ids held: the root's (id 1), every live group's and every
 *                        dying group's; mkdir fails with ENOSPC once all 65,535 are held
 * @param mkdirEnospc     mkdirs refused with ENOSPC because every css id was held, since boot
 * @param pinnedKmemBytes bytes of slab pages held by dead caches (per-cgroup caches whose group
 *                        was removed), whoever they are charged to: nobody (3.3 with v2, where
 *                        rmdir unaccounts them), the dying group ({@code kmem-pins-memcg}: then this
 *                        is all the kmem the dying groups still carry, each page counted once,
 *                        although a dying use_hierarchy parent's {@code kmemBytes} also holds its
 *                        dying children's) or an ancestor ({@code kmem-reparent}); live caches'
 *                        pages are never in it
 */
public record NodeImage(long nowNs, long commandsApplied, MemInfoImage meminfo, List<CgroupImage> cgroups,
                        List<CacheImage> caches, int tasks, List<DyingCgroupImage> dyingCgroups, int cssIdsInUse,
                        long mkdirEnospc, long pinnedKmemBytes) {
    public NodeImage {
        cgroups = List.copyOf(cgroups);
        caches = List.copyOf(caches);
        dyingCgroups = List.copyOf(dyingCgroups);
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
