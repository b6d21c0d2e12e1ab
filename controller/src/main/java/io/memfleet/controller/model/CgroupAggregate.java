package io.memfleet.controller.model;

/**
 * Fleet-wide figures for one cgroup path, over the nodes that have it: usage, kmem usage and
 * failcnt statistics, OOM kills and allocation failures counted from telemetry events, and the
 * number of its live per-cgroup slab caches and of the dead caches its removed children left behind.
 */
public record CgroupAggregate(String path, long nodes, Stats usage, Stats kmemUsage, Stats failcnt, long oomKills,
                              long allocFailures, long liveCaches, long deadCaches) { }
