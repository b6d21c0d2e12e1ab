package io.memfleet.workload.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a trace once, streaming: every row is checked (numbers, times ascending per series), the
 * series are numbered in order of first appearance (files in name order for a directory), and
 * only the first {@code keep} series are held in memory, 16 bytes a sample.
 */
final class TraceLoader {
    private final TraceSpec spec;
    private final int keep;
    private final List<String> names = new ArrayList<>();
    private final List<Growing> kept = new ArrayList<>();
    private double earliest = Double.POSITIVE_INFINITY;
    private long rows;

    /** A series being read: its times and values so far. */
    private static final class Growing {
        double[] t = new double[64];
        double[] v = new double[64];
        int n;
        double last = Double.NEGATIVE_INFINITY;

        void add(double time, double value) {
            if (n == t.length) {
                t = Arrays.copyOf(t, n * 2);
                v = Arrays.copyOf(v, n * 2);
            }
            t[n] = time;
            v[n++] = value;
        }
    }

    private TraceLoader(TraceSpec spec, int keep) {
        this.spec = spec;
        this.keep = keep;
    }

    static TraceSet load(TraceSpec spec, int keep) throws TraceException {
        TraceLoader l = new TraceLoader(spec, keep);
        Path p = spec.path();
        try {
            if (Files.isDirectory(p)) {
                List<Path> files;
                try (Stream<Path> s = Files.list(p)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
                if (files.isEmpty()) {
                    throw new TraceException("path", p + ": a directory without trace files");
                }
                for (Path f : files) {
                    l.file(f, f.getFileName().toString());
                }
            } else {
                l.file(p, null);
            }
        } catch (NoSuchFileException e) {
            throw new TraceException("path", e.getFile() + ": no such file or directory");
        } catch (IOException e) {
            throw new TraceException("path", p + ": cannot read (" + e.getMessage() + ")");
        }
        return l.finish();
    }

    private int column(TraceSpec.Column c, List<String> header, Path f, String param) throws TraceException {
        if (c.name() == null) {
            return c.index();
        }
        int i = header.indexOf(c.name());
        if (i < 0) {
            throw new TraceException(param, f + ":1: no column '" + c.name() + "' (columns: " + String.join(", ", header)
                    + ")");
        }
        return i;
    }

    /** One file; {@code seriesName} is its series in a directory of one file per series, else null. */
    private void file(Path f, String seriesName) throws IOException, TraceException {
        try (TraceReader r = new TraceReader(f)) {
            List<String> header = new ArrayList<>();
            if (spec.header()) {
                if (!r.next()) {
                    throw new TraceException(null, f + ": empty (a header and rows expected)");
                }
                for (int i = 0; i < r.fields(); i++) {
                    header.add(r.field(i));
                }
            }
            int time = spec.timeColumn() == null ? -1 : column(spec.timeColumn(), header, f, "time_column");
            int value = column(spec.valueColumn(), header, f, "value_column");
            boolean perColumn = spec.format() == TraceSpec.Format.WIDE && seriesName == null;
            int series = spec.format() == TraceSpec.Format.LONG ? column(spec.seriesColumn(), header, f, "series_column") : -1;
            long row = 0;
            Map<String, Integer> index = new HashMap<>();
            int[] columnSeries = null;
            while (r.next()) {
                if (perColumn && columnSeries == null) {
                    columnSeries = new int[r.fields()];
                    for (int c = 0; c < r.fields(); c++) {
                        columnSeries[c] = c == time ? -1 : series(f.getFileName() + ":" + (header.isEmpty()
                                ? "column " + c : header.get(Math.min(c, header.size() - 1))));
                    }
                }
                int need = Math.max(Math.max(time, value), series) + 1;
                if (r.fields() < need) {
                    throw new TraceException(null, f + ":" + r.line() + ": " + r.fields() + " fields, the trace needs "
                            + need);
                }
                double t = time < 0 ? row * (spec.intervalNs() / 1e9) : number(r, time, f, "time_column");
                row++;
                rows++;
                earliest = Math.min(earliest, t);
                if (perColumn) {
                    for (int c = 0; c < columnSeries.length && c < r.fields(); c++) {
                        if (columnSeries[c] >= 0) {
                            add(columnSeries[c], t, number(r, c, f, "value_column"), f, r.line());
                        }
                    }
                } else {
                    int s = seriesName != null ? index.computeIfAbsent(seriesName, this::series)
                            : index.computeIfAbsent(r.field(series), this::series);
                    add(s, t, number(r, value, f, "value_column"), f, r.line());
                }
            }
            if (row == 0) {
                throw new TraceException(null, f + ": no rows (an empty series)");
            }
        }
    }

    private int series(String name) {
        names.add(name);
        if (kept.size() < keep) {
            kept.add(new Growing());
        }
        return names.size() - 1;
    }

    private void add(int series, double t, double v, Path f, int line) throws TraceException {
        if (series >= kept.size()) {
            return;
        }
        Growing g = kept.get(series);
        if (t < g.last) {
            throw new TraceException("time_column", f + ":" + line + ": time " + t + " s is before the series' previous "
                    + g.last + " s (times must not go backwards within a series)");
        }
        g.last = t;
        g.add(t, v);
    }

    private double number(TraceReader r, int field, Path f, String param) throws TraceException {
        double d = r.number(field);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new TraceException(param, f + ":" + r.line() + ": not a number: '" + r.field(field) + "'");
        }
        if (d < 0 && param.equals("value_column")) {
            throw new TraceException(param, f + ":" + r.line() + ": a negative demand: '" + r.field(field) + "'");
        }
        return d;
    }

    private TraceSet finish() {
        List<TraceSet.Series> out = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            Growing g = kept.get(i);
            double[] t = Arrays.copyOf(g.t, g.n);
            for (int k = 0; k < t.length; k++) {
                t[k] -= earliest;
            }
            out.add(new TraceSet.Series(names.get(i), t, Arrays.copyOf(g.v, g.n)));
        }
        return new TraceSet(out, names.size(), rows);
    }
}
