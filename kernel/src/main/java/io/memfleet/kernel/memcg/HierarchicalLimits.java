package io.memfleet.kernel.memcg;

/**
 * The smallest memory and memory+swap limits over a group and the ancestors it charges under
 * use_hierarchy: memory.stat's hierarchical_memory_limit and hierarchical_memsw_limit.
 */
public record HierarchicalLimits(long memLimitBytes, long memswLimitBytes) { }
