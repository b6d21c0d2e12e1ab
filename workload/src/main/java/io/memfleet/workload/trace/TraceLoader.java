package io.memfleet.workload.trace;

import io.memfleet.workload.trace.TraceRepairs.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a trace once, streaming: every row is checked (numbers, times, values in range) and
 * repaired, skipped or refused as {@code on_bad_rows} says; the series are numbered in order of
 * first appearance (files in name order for a directory), and only the first {@code keep} series
 * are held in memory (their time order and duplicate times are checked too).
 */
final class TraceLoader {
    private final TraceSpec spec;
    private final TraceShape shape;
    private final int keep;
    private final TraceRepairs repairs;
    private final List<String> names = new ArrayList<>();
    private final List<SeriesBuffer> kept = new ArrayList<>();
    /** Series by name, across the files of a directory (a long or rows layout split into several files). */
    private final Map<String, Integer> index = new HashMap<>();
    private final RowValues values;
    private double earliest = Double.POSITIVE_INFINITY;
    private long rows;
    private long samples;

    private TraceLoader(TraceSpec spec, int keep) {
        this.spec = spec;
        this.shape = spec.shape();
        this.keep = keep;
        this.repairs = new TraceRepairs(spec.onBadRows());
        this.values = new RowValues(spec, repairs);
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
                for (int i = 0; i < files.size(); i++) {
                    l.file(files.get(i), i, true);
                }
            } else {
                l.file(p, 0, false);
            }
        } catch (NoSuchFileException e) {
            throw new TraceException("path", e.getFile() + ": no such file or directory");
        } catch (IOException e) {
            throw new TraceException("path", p + ": cannot read (" + e.getMessage() + ")");
        }
        return l.finish();
    }

    private int column(TraceSpec.Column c, List<String> header, Path f, String param) throws TraceException {
        if (c == null) {
            return -1;
        }
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

    /** One file: the {@code fileIndex}-th of a directory ({@code inDirectory}), or the trace's only file. */
    private void file(Path f, int fileIndex, boolean inDirectory) throws IOException, TraceException {
        try (TraceReader r = new TraceReader(f, shape.separator())) {
            List<String> header = new ArrayList<>();
            if (shape.header() && r.next()) {
                for (int i = 0; i < r.fields(); i++) {
                    header.add(r.field(i));
                }
            }
            int time = column(shape.time(), header, f, "time_column");
            int value = column(shape.value(), header, f, "value_column");
            int extra = column(shape.extra(), header, f, "lifetime_column");
            int[] series = new int[shape.series().size()];
            for (int i = 0; i < series.length; i++) {
                series[i] = column(shape.series().get(i), header, f, "series_column");
            }
            values.startFile(f);
            long before = rows;
            switch (shape.layout()) {
                case LONG -> longRows(r, f, series, time, value, extra);
                case ROWS -> seriesRows(r, f, series, value, fileIndex);
                default -> {
                    if (inDirectory || shape.filePerSeries()) {
                        fileRows(r, f, series(f.getFileName().toString()), time, value, extra);
                    } else {
                        columnRows(r, f, header, time);
                    }
                }
            }
            if (rows == before) {
                repairs.record(f, Math.max(1, r.line()), Problem.EMPTY_FILE, () -> "no rows (an empty series)");
            }
        }
    }

    /** A row per sample: series, time, value. */
    private void longRows(TraceReader r, Path f, int[] series, int time, int value, int extra)
            throws IOException, TraceException {
        int need = Math.max(time, max(series)) + 1;
        long row = 0;
        while (r.next()) {
            rows++;
            double t = rowTime(r, f, time, row++, need);
            if (Double.isNaN(t)) {
                continue;
            }
            int s = index.computeIfAbsent(seriesName(r, series), this::series);
            sample(r, f, s, t, value, extra);
        }
    }

    /** A file per series: time (or row number) and value. */
    private void fileRows(TraceReader r, Path f, int s, int time, int value, int extra)
            throws IOException, TraceException {
        long row = 0;
        while (r.next()) {
            rows++;
            double t = rowTime(r, f, time, row++, time + 1);
            if (!Double.isNaN(t)) {
                sample(r, f, s, t, value, extra);
            }
        }
    }

    /** A column per series (every column but the time's), named by the header or by number. */
    private void columnRows(TraceReader r, Path f, List<String> header, int time) throws IOException, TraceException {
        int[] columnSeries = null;
        long row = 0;
        while (r.next()) {
            if (columnSeries == null) {
                columnSeries = new int[r.fields()];
                for (int c = 0; c < r.fields(); c++) {
                    columnSeries[c] = c == time ? -1 : series(f.getFileName() + ":" + (header.isEmpty()
                            ? "column " + c : header.get(Math.min(c, header.size() - 1))));
                }
            }
            rows++;
            double t = rowTime(r, f, time, row++, time + 1);
            if (Double.isNaN(t)) {
                continue;
            }
            for (int c = 0; c < columnSeries.length; c++) {
                if (columnSeries[c] >= 0) {
                    sample(r, f, columnSeries[c], t, c, -1);
                }
            }
        }
    }

    /** A row per series, a column per time step from {@code first} on; the files of a directory follow each other. */
    private void seriesRows(TraceReader r, Path f, int[] series, int first, int fileIndex)
            throws IOException, TraceException {
        int need = max(series) + 1;
        double base = fileIndex * shape.fileSeconds();
        while (r.next()) {
            rows++;
            if (tooShort(r, f, need)) {
                continue;
            }
            int s = index.computeIfAbsent(seriesName(r, series), this::series);
            for (int c = first; c < r.fields(); c++) {
                sample(r, f, s, base + (c - first) * shape.stepSeconds(), c, -1);
            }
        }
    }

    /** The row's time in seconds, or NaN when the row is dropped (too few fields, no valid time). */
    private double rowTime(TraceReader r, Path f, int time, long row, int need) throws TraceException {
        if (tooShort(r, f, need)) {
            return Double.NaN;
        }
        return time < 0 ? row * (spec.intervalNs() / 1e9) : values.time(r, time);
    }

    /** A row with fewer fields than the trace reads is a repair (dropped), or under fail the error. */
    private boolean tooShort(TraceReader r, Path f, int need) throws TraceException {
        if (r.fields() >= need) {
            return false;
        }
        repairs.record(f, r.line(), Problem.SHORT_ROW, () -> r.fields() + " fields, the trace needs " + need);
        return true;
    }

    /** One value of a row for series {@code s} at time {@code t}; dropped if the value (or its second) is. */
    private void sample(TraceReader r, Path f, int s, double t, int value, int extra) throws TraceException {
        double v = values.value(r, value);
        double x = extra < 0 || Double.isNaN(v) ? 0 : values.extra(r, extra);
        if (Double.isNaN(v) || Double.isNaN(x)) {
            return;
        }
        samples++;
        earliest = Math.min(earliest, t);
        if (s < kept.size()) {
            kept.get(s).add(t, v, x, r.line(), f, repairs);
        }
    }

    private static String seriesName(TraceReader r, int[] series) {
        if (series.length == 1) {
            return r.field(series[0]);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < series.length; i++) {
            sb.append(i == 0 ? "" : "/").append(r.field(series[i]));
        }
        return sb.toString();
    }

    private static int max(int[] a) {
        int m = -1;
        for (int x : a) {
            m = Math.max(m, x);
        }
        return m;
    }

    private int series(String name) {
        names.add(name);
        if (kept.size() < keep) {
            kept.add(new SeriesBuffer(shape.extra() != null));
        }
        return names.size() - 1;
    }

    private TraceSet finish() throws TraceException {
        if (samples == 0) {
            throw new TraceException(null, spec.path() + ": no rows that can be replayed" + (rows == 0 ? ""
                    : " (" + rows + " rows, every one skipped: " + String.join("; ",
                    TraceRepairs.lines(repairs.list())) + ")"));
        }
        List<TraceSet.Series> out = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            out.add(kept.get(i).finish(names.get(i), earliest, repairs));
        }
        return new TraceSet(out, names.size(), rows, repairs.list());
    }
}
