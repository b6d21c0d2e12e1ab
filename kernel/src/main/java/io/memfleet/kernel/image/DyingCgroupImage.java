package io.memfleet.kernel.image;

/**
 * A dying memory cgroup: removed by rmdir (gone from cgroupfs and from every hierarchy walk) but
 * not yet freed, because something still references it. It keeps its css id, so the id is not
 * handed to a new group until the group is freed.
 *
 * @param id          the css id it still holds
 * @param path        the path it had before rmdir
 * @param usageBytes  its res counter (memory.usage_in_bytes as it would read): kmem it still
 *                    carries under {@code kmem-pins-memcg}, else 0 (its pages moved to the parent)
 * @param kmemBytes   its kmem counter: slab pages still charged to it (kmem-pins-memcg), else 0
 * @param memswBytes  its memsw counter (memory.memsw.usage_in_bytes as it would read): its swap
 *                    entries plus any kmem it carries and any drift of the v2 code
 * @param swapBytes   its swap entries (memory.stat swap): swapped pages still recorded with its id
 * @param pinnedBy    what holds it, comma-separated in this order: {@code swap} (swap entries),
 *                    {@code slab} (slab pages of its dead caches, kmem-pins-memcg), {@code child}
 *                    (a use_hierarchy child that is itself still dying)
 */
public record DyingCgroupImage(int id, String path, long usageBytes, long kmemBytes, long memswBytes,
                               long swapBytes, String pinnedBy) {
}
