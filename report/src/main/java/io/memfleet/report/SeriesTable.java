package io.memfleet.report;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * An experiment's time series as {@code series.csv} holds it: one row per (simulated time,
 * cgroup) with the fleet's statistics in named integer columns (usage_p99, kmem_max, oom_kills,
 * dead_caches, ...). An experiment with rollouts adds two text columns, {@code rollout} and
 * {@code group}: {@code all} for the row over every node, {@code changed} and {@code unchanged}
 * for the rows over the nodes a rollout has changed at that time and the rest. Whole-fleet rows
 * are what {@link #column}, {@link #peak} and {@link #cgroupPaths} read.
 */
public final class SeriesTable {
    /** The text columns a series with rollouts has besides the row's name. */
    static final List<String> TEXT_COLUMNS = List.of("rollout", "group");
    /** The group of a row over every node. */
    public static final String ALL = "all";
    /** The columns every memfleet cgroup series file starts with. */
    static final List<String> KEY_COLUMNS = List.of("sim_seconds", "cgroup", "nodes");
    /** The columns the slab series file starts with. */
    static final List<String> SLAB_COLUMNS = List.of("sim_seconds", "slab", "caches");

    static SeriesTable empty(List<String> columns) {
        return new SeriesTable(columns, new double[0], new String[0], new long[0][], null, null);
    }

    private final List<String> columns;
    /** The statistic columns, in the order of a row's values. */
    private final List<String> numeric;
    private final double[] times;
    private final String[] cgroups;
    private final long[][] values;
    /** Per row, its rollout and group; null for a series without rollouts. */
    private final String[] rollouts;
    private final String[] groups;

    SeriesTable(List<String> columns, double[] times, String[] cgroups, long[][] values, String[] rollouts,
                String[] groups) {
        this.columns = List.copyOf(columns);
        this.numeric = columns.subList(2, columns.size()).stream().filter(c -> !TEXT_COLUMNS.contains(c)).toList();
        this.times = times;
        this.cgroups = cgroups;
        this.values = values;
        this.rollouts = rollouts;
        this.groups = groups;
    }

    /** True when the series has rows split by rollout (changed and unchanged nodes). */
    public boolean hasSplits() {
        return groups != null;
    }

    public String rollout(int row) {
        return rollouts == null ? "" : rollouts[row];
    }

    public String group(int row) {
        return groups == null ? ALL : groups[row];
    }

    private boolean whole(int row) {
        return groups == null || groups[row].equals(ALL) || groups[row].isEmpty();
    }

    /** The (rollout, cgroup) pairs that have split rows, in order of first appearance. */
    public List<List<String>> splits() {
        java.util.LinkedHashSet<List<String>> out = new java.util.LinkedHashSet<>();
        for (int r = 0; r < times.length; r++) {
            if (!whole(r)) {
                out.add(List.of(rollouts[r], cgroups[r]));
            }
        }
        return new ArrayList<>(out);
    }

    /** One rollout group's column for a cgroup on {@code axis}: null where it has no row at that time. */
    public Long[] column(String cgroup, String rollout, String group, String column, double[] axis) {
        return column(r -> !whole(r) && cgroups[r].equals(cgroup) && rollouts[r].equals(rollout)
                && groups[r].equals(group), column, axis);
    }

    private Long[] column(java.util.function.IntPredicate rows, String column, double[] axis) {
        Long[] out = new Long[axis.length];
        for (int r = 0; r < times.length; r++) {
            if (rows.test(r)) {
                int i = Arrays.binarySearch(axis, times[r]);
                if (i >= 0) {
                    out[i] = value(r, column);
                }
            }
        }
        return out;
    }

    /** The column names, as in the file's header. */
    public List<String> columns() {
        return columns;
    }

    public int rows() {
        return times.length;
    }

    public double time(int row) {
        return times[row];
    }

    public String cgroup(int row) {
        return cgroups[row];
    }

    /** The value of a statistic column (nodes, usage_p50, ..., dead_caches) in a row. */
    public long value(int row, String column) {
        int c = numeric.indexOf(column);
        if (c < 0) {
            throw new IllegalArgumentException("no such series column: " + column);
        }
        return values[row][c];
    }

    public boolean hasColumn(String column) {
        return numeric.contains(column);
    }

    /** Every simulated time that has a row, ascending. */
    public double[] timeAxis() {
        TreeSet<Double> all = new TreeSet<>();
        for (double t : times) {
            all.add(t);
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The row names (cgroup paths, or slab caches) that have rows, sorted. */
    public List<String> cgroupPaths() {
        TreeSet<String> out = new TreeSet<>();
        for (int r = 0; r < times.length; r++) {
            if (whole(r)) {
                out.add(cgroups[r]);
            }
        }
        return new ArrayList<>(out);
    }

    /** One cgroup's column on {@code axis}: null where the cgroup has no row at that time. */
    public Long[] column(String cgroup, String column, double[] axis) {
        return column(r -> whole(r) && cgroups[r].equals(cgroup), column, axis);
    }

    /** The largest value of a column over time for one cgroup (0 when it has no rows). */
    public long peak(String cgroup, String column) {
        long max = 0;
        for (int r = 0; r < times.length; r++) {
            if (whole(r) && cgroups[r].equals(cgroup)) {
                max = Math.max(max, value(r, column));
            }
        }
        return max;
    }

    /**
     * The rows whose name {@code fold} maps to the same pattern, at the same time and in the same
     * rollout group, as one row: minima by min, sums and counts by sum, maxima and percentiles by max
     * (a percentile of the pattern's members, the worst member's, not of a combined population).
     */
    SeriesTable fold(java.util.function.UnaryOperator<String> fold) {
        java.util.Map<List<Object>, Integer> at = new java.util.HashMap<>();
        Combine[] how = new Combine[numeric.size()]; // decided once per column, not per value
        for (int c = 0; c < how.length; c++) {
            how[c] = Combine.of(numeric.get(c));
        }
        List<Integer> first = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<long[]> merged = new ArrayList<>();
        for (int r = 0; r < times.length; r++) {
            String name = fold.apply(cgroups[r]);
            List<Object> key = List.of(times[r], name, rollout(r), group(r));
            Integer i = at.get(key);
            if (i == null) {
                at.put(key, merged.size());
                first.add(r);
                names.add(name);
                merged.add(values[r].clone());
            } else {
                long[] m = merged.get(i);
                for (int c = 0; c < m.length; c++) {
                    m[c] = how[c].apply(m[c], values[r][c]);
                }
            }
        }
        int n = merged.size();
        double[] t = new double[n];
        String[] ro = rollouts == null ? null : new String[n];
        String[] gr = groups == null ? null : new String[n];
        for (int i = 0; i < n; i++) {
            t[i] = times[first.get(i)];
            if (ro != null) {
                ro[i] = rollouts[first.get(i)];
                gr[i] = groups[first.get(i)];
            }
        }
        return new SeriesTable(columns, t, names.toArray(new String[0]), merged.toArray(new long[0][]), ro, gr);
    }

    /** How two members' values of one statistic column make their pattern's. */
    enum Combine {
        MIN, MAX, SUM;

        static Combine of(String column) {
            if (column.endsWith("_min")) {
                return MIN;
            }
            return column.equals("nodes") || column.endsWith("_max") || column.matches(".*_p[0-9]+") ? MAX : SUM;
        }

        long apply(long a, long b) {
            return switch (this) {
                case MIN -> Math.min(a, b);
                case MAX -> Math.max(a, b);
                case SUM -> a + b;
            };
        }
    }

    /** Reads a {@code series.csv}; {@code shown} is how errors name the file. */
    static SeriesTable read(Path file, String shown) throws IOException, ResultsDirException {
        return read(file, shown, KEY_COLUMNS);
    }

    /** Reads a series file whose header starts with {@code key} (time, the row's name, a first statistic). */
    static SeriesTable read(Path file, String shown, List<String> key) throws IOException, ResultsDirException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, shown, key);
        }
    }

    /** A series file's text read without a file: series.csv's, or with {@code slabs} slabs.csv's. */
    public static SeriesTable parse(String text, String shown, boolean slabs) throws ResultsDirException {
        try {
            return read(new StringReader(text), shown, slabs ? SLAB_COLUMNS : KEY_COLUMNS);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
    }

    private static SeriesTable read(Reader r, String shown, List<String> key) throws IOException,
            ResultsDirException {
        try (CSVParser csv = Csv.parser(r)) {
            Iterator<CSVRecord> records = csv.iterator();
            if (!hasNext(records, shown, 0)) {
                throw new ResultsDirException(shown + ":1: empty file; expected the series header");
            }
            List<String> columns = records.next().toList();
            if (columns.size() < 4 || !columns.subList(0, 3).equals(key)) {
                throw new ResultsDirException(shown + ":1: not a memfleet series (the header must start with "
                        + String.join(",", key) + ")");
            }
            int rolloutAt = columns.indexOf("rollout");
            int groupAt = columns.indexOf("group");
            boolean split = rolloutAt > 2 && groupAt > 2;
            List<Double> times = new ArrayList<>();
            List<String> cgroups = new ArrayList<>();
            List<String> rollouts = new ArrayList<>();
            List<String> groups = new ArrayList<>();
            List<long[]> values = new ArrayList<>();
            int stats = columns.size() - 2 - (split ? 2 : 0);
            while (hasNext(records, shown, csv.getCurrentLineNumber())) {
                CSVRecord f = records.next();
                long lineNo = csv.getCurrentLineNumber(); // the record's last line
                if (f.size() != columns.size()) {
                    throw new ResultsDirException(shown + ":" + lineNo + ": expected " + columns.size() + " fields, found "
                            + f.size());
                }
                long[] v = new long[stats];
                try {
                    times.add(Double.parseDouble(f.get(0)));
                    int k = 0;
                    for (int i = 2; i < f.size(); i++) {
                        if (!split || (i != rolloutAt && i != groupAt)) {
                            v[k++] = Long.parseUnsignedLong(f.get(i));
                        }
                    }
                } catch (NumberFormatException e) {
                    throw new ResultsDirException(shown + ":" + lineNo + ": not a number: " + e.getMessage());
                }
                cgroups.add(f.get(1));
                if (split) {
                    rollouts.add(f.get(rolloutAt));
                    groups.add(f.get(groupAt));
                }
                values.add(v);
            }
            return new SeriesTable(columns, times.stream().mapToDouble(Double::doubleValue).toArray(),
                    cgroups.toArray(new String[0]), values.toArray(new long[0][]),
                    split ? rollouts.toArray(new String[0]) : null, split ? groups.toArray(new String[0]) : null);
        }
    }

    /** Whether another record follows; a malformed one is an error at the line after {@code lineNo}. */
    private static boolean hasNext(Iterator<CSVRecord> records, String shown, long lineNo) throws ResultsDirException {
        try {
            return records.hasNext();
        } catch (UncheckedIOException e) {
            throw new ResultsDirException(shown + ":" + (lineNo + 1) + ": not CSV: " + e.getCause().getMessage());
        }
    }
}
