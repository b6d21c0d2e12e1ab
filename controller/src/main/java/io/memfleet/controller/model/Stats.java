package io.memfleet.controller.model;

import java.util.Arrays;

/** min, p50, p99, max and sum of a set of values (nearest-rank percentiles). */
public record Stats(long count, long min, long p50, long p99, long max, long sum) {
    public static final Stats EMPTY = new Stats(0, 0, 0, 0, 0, 0);

    public static Stats of(long[] values) {
        if (values.length == 0) {
            return EMPTY;
        }
        long[] v = values.clone();
        Arrays.sort(v);
        long sum = 0;
        for (long x : v) {
            sum += x;
        }
        return new Stats(v.length, v[0], rank(v, 50), rank(v, 99), v[v.length - 1], sum);
    }

    /** The nearest-rank percentile: the smallest value with at least p% of values at or below it. */
    static long rank(long[] sorted, int p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
