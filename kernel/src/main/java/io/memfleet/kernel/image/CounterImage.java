package io.memfleet.kernel.image;

/** One res_counter as its files show it: usage, max_usage, limit, soft_limit and failcnt, in bytes. */
public record CounterImage(long usage, long maxUsage, long limit, long softLimit, long failcnt) { }
