package io.memfleet.workload.trace;

import java.util.List;

/**
 * The series of a trace that an experiment replays, times rebased so that the trace's earliest
 * is 0: {@code count} series in the file, the first {@code series.size()} of them kept (as many as
 * there are nodes to take them), and what its rows needed on the way in.
 */
public record TraceSet(List<Series> series, int count, long rows, List<TraceRepairs.Repair> repairs) {
    public TraceSet {
        series = List.copyOf(series);
        repairs = List.copyOf(repairs);
    }

    /**
     * One recorded series: times in seconds from the trace's start, ascending, their values, and
     * a second value per sample where the trace has one (trace-churn's lifetimes), else null.
     */
    public record Series(String name, double[] times, double[] values, double[] extra) {
        public Series(String name, double[] times, double[] values) {
            this(name, times, values, null);
        }

        /** The value at {@code t} seconds: 0 before the first sample, the last after it, held or interpolated between. */
        public double at(double t, boolean linear, int[] cursor) {
            if (times.length == 0 || t < times[0]) {
                return 0;
            }
            int i = Math.max(0, Math.min(cursor[0], times.length - 1));
            if (times[i] > t) {
                i = 0;
            }
            while (i + 1 < times.length && times[i + 1] <= t) {
                i++;
            }
            cursor[0] = i;
            if (!linear || i + 1 >= times.length) {
                return values[i];
            }
            double f = (t - times[i]) / (times[i + 1] - times[i]);
            return values[i] + f * (values[i + 1] - values[i]);
        }
    }

    /** The series node {@code index} replays, or null when it has none (more nodes than series, no cycling). */
    public Series forNode(int index, boolean cycle) {
        if (series.isEmpty()) {
            return null;
        }
        if (index < series.size()) {
            return series.get(index);
        }
        return cycle ? series.get(index % count) : null;
    }
}
