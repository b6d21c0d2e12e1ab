package io.memfleet.controller.model;

/**
 * Fleet-wide figures for one cgroup path, over the nodes that have it: usage, kmem usage and
 * failcnt statistics, OOM kills and allocation failures counted from telemetry events (with the
 * nodes they hit and the first one's simulated time), the number of its live per-cgroup slab
 * caches and of the dead caches its removed children left behind, and its limits.
 */
public record CgroupAggregate(String path, long nodes, Stats usage, Stats kmemUsage, Stats failcnt, long oomKills,
                              long allocFailures, long liveCaches, long deadCaches, Events events, Limits limits) {
    /** When no event happened. */
    public static final long NEVER = Long.MAX_VALUE;

    /** The nodes with at least one OOM kill or allocation failure, and the first one's time ({@link #NEVER}: none). */
    public record Events(long oomNodes, long allocFailureNodes, long firstOomKillNs, long firstAllocFailureNs) { }

    /** memory.limit_in_bytes, memory.memsw.limit_in_bytes and memory.kmem.limit_in_bytes over the nodes. */
    public record Limits(Stats limit, Stats memswLimit, Stats kmemLimit) { }
}
