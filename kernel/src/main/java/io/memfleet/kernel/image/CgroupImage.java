package io.memfleet.kernel.image;

import java.util.List;

/**
 * One memory cgroup at one instant: everything its control files show. {@code usage} and
 * {@code memswUsage} are what usage_in_bytes and memsw.usage_in_bytes read (for the root, the summed
 * statistics rather than its counters); {@code stat} holds its own counters, {@code total} the sums
 * over the subtree memory.stat prints as total_*.
 *
 * @param id     the css id (also in per-cgroup cache names, {@code dentry(5:web)})
 * @param tcp    memory.kmem.tcp.*: for the root, the node's TCP total and no limit
 * @param pids   the tasks in the group, sorted
 */
public record CgroupImage(int id, String path, CounterImage res, CounterImage memsw, CounterImage kmem,
                          CounterImage tcp,
                          long usage, long memswUsage, boolean useHierarchy, boolean oomKillDisable,
                          boolean independentKmemLimit, int swappiness, int moveChargeAtImmigrate, boolean underOom,
                          List<Integer> pids, StatValues stat, StatValues total, long hierarchicalMemoryLimit,
                          long hierarchicalMemswLimit) {
    public CgroupImage {
        pids = List.copyOf(pids);
    }

    public boolean isRoot() {
        return path.equals("/");
    }
}
