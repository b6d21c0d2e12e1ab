package io.memfleet.controller.model;

/** Fleet totals for one slab cache name (per-cgroup caches are folded under their root name). */
public record CacheAggregate(String name, long caches, long deadCaches, long activeObjs, long numObjs, long numSlabs,
                             long bytes) { }
