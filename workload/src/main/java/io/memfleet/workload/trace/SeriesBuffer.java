package io.memfleet.workload.trace;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One kept series while its trace is read: times, values (and a second value per sample when the
 * trace has one) with the line each came from, 20 to 28 bytes a sample. Rows out of time order and
 * duplicate times are handled as the trace's {@code on_bad_rows} says: clean sorts the series at
 * the end and keeps the last row of a time, skip drops such rows, fail refuses them.
 */
final class SeriesBuffer {
    private double[] t = new double[64];
    private double[] v = new double[64];
    private double[] x;
    private int[] lines = new int[64];
    private int n;
    private double last = Double.NEGATIVE_INFINITY;
    private boolean unsorted;
    private Path file;

    SeriesBuffer(boolean extra) {
        this.x = extra ? new double[64] : null;
    }

    void add(double time, double value, double extra, int line, Path f, TraceRepairs repairs) throws TraceException {
        file = f;
        if (n > 0 && time <= last) {
            if (time < last) {
                repairs.record(f, line, TraceRepairs.Problem.OUT_OF_ORDER,
                        () -> "time " + time + " s is before the series' "
                        + "previous " + last + " s (times must not go backwards within a series)");
                if (repairs.policy() != TraceSpec.OnBadRows.SKIP) {
                    unsorted = true;
                    append(time, value, extra, line);
                }
                return;
            }
            if (unsorted) {
                append(time, value, extra, line); // counted when the series is sorted
                return;
            }
            repairs.record(f, line, TraceRepairs.Problem.DUPLICATE_TIME,
                    () -> "time " + time + " s a second time in the "
                    + "series (a duplicate timestamp)");
            if (repairs.policy() != TraceSpec.OnBadRows.SKIP) {
                set(n - 1, time, value, extra, line);
            }
            return;
        }
        append(time, value, extra, line);
        last = time;
    }

    private void append(double time, double value, double extra, int line) {
        if (n == t.length) {
            t = Arrays.copyOf(t, n * 2);
            v = Arrays.copyOf(v, n * 2);
            lines = Arrays.copyOf(lines, n * 2);
            if (x != null) {
                x = Arrays.copyOf(x, n * 2);
            }
        }
        set(n++, time, value, extra, line);
    }

    private void set(int i, double time, double value, double extra, int line) {
        t[i] = time;
        v[i] = value;
        lines[i] = line;
        if (x != null) {
            x[i] = extra;
        }
    }

    /** The series, times less {@code earliest}; sorted (stably, so the last row of a time is kept) if it had to be. */
    TraceSet.Series finish(String name, double earliest, TraceRepairs repairs) throws TraceException {
        if (unsorted) {
            sortKeepingLast(repairs);
        }
        double[] times = Arrays.copyOf(t, n);
        for (int k = 0; k < times.length; k++) {
            times[k] -= earliest;
        }
        return new TraceSet.Series(name, times, Arrays.copyOf(v, n), x == null ? null : Arrays.copyOf(x, n));
    }

    private void sortKeepingLast(TraceRepairs repairs) throws TraceException {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> t[a] != t[b] ? Double.compare(t[a], t[b]) : Integer.compare(a, b));
        double[] st = new double[n];
        double[] sv = new double[n];
        double[] sx = x == null ? null : new double[n];
        int[] sl = new int[n];
        int m = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (m > 0 && st[m - 1] == t[i]) {
                repairs.record(file, lines[i], TraceRepairs.Problem.DUPLICATE_TIME,
                        () -> "time " + t[i] + " s a second time "
                        + "in the series (a duplicate timestamp)");
                m--; // the later row of the file replaces the earlier
            }
            st[m] = t[i];
            sv[m] = v[i];
            sl[m] = lines[i];
            if (sx != null) {
                sx[m] = x[i];
            }
            m++;
        }
        t = st;
        v = sv;
        x = sx;
        lines = sl;
        n = m;
        unsorted = false;
    }
}
