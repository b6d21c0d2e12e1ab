package io.memfleet.workload.gen;

import io.memfleet.workload.trace.TraceSet;

/**
 * A recorded series of counts as an arrival process: the count of a sample is spread evenly over
 * its interval (to the next sample; the last lasts as long as the one before it, or
 * {@code lastSeconds} alone), and a span of simulated time gets the whole arrivals the cumulative
 * count crosses in it, so that the arrivals over the steps add up to the series exactly (times
 * {@code scale}) whatever the step. Pure and deterministic: the same series gives the same starts.
 */
final class Arrivals {
    /** Receives the arrivals of one sample within a span, with that sample's lifetime (NaN: none recorded). */
    interface Sink {
        void arrive(long count, double lifetimeSeconds);
    }

    /**
     * The cumulative counts of each series, shared by the nodes that replay it (many nodes cycle
     * onto one series; a record's array components compare by identity, so this keys on the series).
     */
    private static final java.util.Map<TraceSet.Series, double[]> CUMULATIVE =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private final TraceSet.Series series;
    private final double lastSeconds;
    private final double scale;
    private final double[] before;
    private int cursor;

    Arrivals(TraceSet.Series series, double lastSeconds, double scale) {
        this.series = series;
        double[] t = series.times();
        this.lastSeconds = t.length > 1 ? t[t.length - 1] - t[t.length - 2] : lastSeconds;
        this.scale = scale;
        this.before = CUMULATIVE.computeIfAbsent(series, Arrivals::cumulative);
    }

    /** The counts before each sample: {@code before[i]} is the sum of samples 0..i-1. */
    private static double[] cumulative(TraceSet.Series series) {
        double[] before = new double[series.times().length + 1];
        for (int i = 0; i < series.times().length; i++) {
            before[i + 1] = before[i] + series.values()[i];
        }
        return before;
    }

    private double end(int i) {
        double[] t = series.times();
        return i + 1 < t.length ? t[i + 1] : t[i] + lastSeconds;
    }

    /** The arrivals counted up to {@code at} within sample {@code i}'s interval, times the scale. */
    private long upTo(int i, double at) {
        double start = series.times()[i];
        double dur = end(i) - start;
        double f = dur <= 0 || at >= end(i) ? 1 : Math.max(0, (at - start) / dur);
        return (long) Math.floor((before[i] + series.values()[i] * f) * scale);
    }

    /** The arrivals in [{@code from}, {@code to}) seconds, sample by sample; spans must not go back in time. */
    void between(double from, double to, Sink sink) {
        double[] t = series.times();
        while (cursor < t.length && end(cursor) <= from) {
            cursor++;
        }
        for (int i = cursor; i < t.length && t[i] < to; i++) {
            long n = upTo(i, to) - upTo(i, Math.max(from, t[i]));
            if (n > 0) {
                sink.arrive(n, series.extra() == null ? Double.NaN : series.extra()[i]);
            }
        }
    }
}
