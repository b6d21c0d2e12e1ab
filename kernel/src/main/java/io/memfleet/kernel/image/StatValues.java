package io.memfleet.kernel.image;

import java.util.Arrays;

/** The memory.stat counters of one cgroup, in {@link StatItem} order: pages or event counts as kept. */
public final class StatValues {
    private final long[] values;

    private StatValues(long[] values) {
        this.values = values;
    }

    /** Copies the counters, indexed by {@link StatItem#ordinal()}. */
    public static StatValues of(long[] values) {
        if (values.length != StatItem.ALL.length) {
            throw new IllegalArgumentException("expected " + StatItem.ALL.length + " counters, got " + values.length);
        }
        return new StatValues(values.clone());
    }

    /** The counter as kept: pages for page counts, events for pgpgin/pgpgout/pgfault. */
    public long get(StatItem item) {
        return values[item.ordinal()];
    }

    /** The value memory.stat prints: page counts in bytes, events as they are. */
    public long shown(StatItem item) {
        long v = values[item.ordinal()];
        return item.inPages() ? v * StatItem.PAGE_SIZE : v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatValues s && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
