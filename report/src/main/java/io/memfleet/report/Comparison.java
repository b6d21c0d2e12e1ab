package io.memfleet.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToLongBiFunction;
import org.apache.commons.csv.CSVPrinter;

/**
 * Two or more results directories side by side: per cgroup and metric, each run's final or peak
 * value and its change against the first run (the baseline), the rows that differ most first
 * (relative change; a value appearing from a zero baseline ranks first).
 */
public final class Comparison {
    /** A figure compared across runs: how to read it from a run, and whether it is in bytes. */
    record Metric(String name, boolean bytes, ToLongBiFunction<ResultsDir, String> read) { }

    /** One compared figure: its values in run order. */
    public record Row(String cgroup, String metric, boolean bytes, long[] values) {
        /** The largest relative change against the baseline (infinite from a zero baseline, 0 when equal). */
        public double weight() {
            double w = 0;
            for (int i = 1; i < values.length; i++) {
                if (values[i] != values[0]) {
                    w = Math.max(w, values[0] == 0 ? Double.POSITIVE_INFINITY
                            : Math.abs((double) (values[i] - values[0]) / values[0]));
                }
            }
            return w;
        }

        public boolean differs() {
            for (long v : values) {
                if (v != values[0]) {
                    return true;
                }
            }
            return false;
        }

        public String format(int run) {
            return bytes ? Units.bytes(values[run]) : Answers.count(values[run]);
        }
    }

    static final List<Metric> METRICS = List.of(
        new Metric("usage p99 (final)", true, (r, c) -> summaryStat(r, c, "usage", "p99")),
        new Metric("usage max (peak)", true, (r, c) -> r.series().peak(c, "usage_max")),
        new Metric("kmem p99 (final)", true, (r, c) -> summaryStat(r, c, "kmem", "p99")),
        new Metric("kmem max (peak)", true, (r, c) -> r.series().peak(c, "kmem_max")),
        new Metric("failcnt max (final)", false, (r, c) -> summaryStat(r, c, "failcnt", "max")),
        new Metric("OOM kills", false, (r, c) -> finalOf(r, c, ResultsDir.CgroupFinal::oomKills)),
        new Metric("alloc failures", false, (r, c) -> finalOf(r, c, ResultsDir.CgroupFinal::allocFailures)),
        new Metric("live caches (final)", false, (r, c) -> finalOf(r, c, ResultsDir.CgroupFinal::liveCaches)),
        new Metric("dead caches (final)", false, (r, c) -> finalOf(r, c, ResultsDir.CgroupFinal::deadCaches)));

    private final List<ResultsDir> runs;
    private final List<Row> rows;

    /** The comparison of {@code runs} with transient cgroups folded into their parent's pattern unless {@code exact}. */
    public static Comparison of(List<ResultsDir> runs, boolean exact) {
        return new Comparison(exact ? runs : runs.stream().map(FoldedRuns::fold).toList());
    }

    public Comparison(List<ResultsDir> runs) {
        if (runs.size() < 2) {
            throw new IllegalArgumentException("a comparison needs at least two results directories");
        }
        this.runs = List.copyOf(runs);
        TreeSet<String> cgroups = new TreeSet<>();
        runs.forEach(r -> r.summary().cgroups().forEach(c -> cgroups.add(c.cgroup())));
        List<Row> all = new ArrayList<>();
        for (String cg : cgroups) {
            for (Metric m : METRICS) {
                long[] v = runs.stream().mapToLong(r -> m.read().applyAsLong(r, cg)).toArray();
                all.add(new Row(cg, m.name(), m.bytes(), v));
            }
        }
        TreeSet<String> rollouts = new TreeSet<>();
        runs.forEach(r -> r.summary().rollouts().forEach(ro -> rollouts.add(ro.name())));
        for (String name : rollouts) {
            all.add(new Row("rollout " + name, "waves passed", false, runs.stream()
                    .mapToLong(r -> rollout(r, name, w -> w.verdict().equals("passed") ? 1 : 0)).toArray()));
            all.add(new Row("rollout " + name, "nodes changed at the end", false, runs.stream()
                    .mapToLong(r -> rollout(r, name, w -> !Double.isNaN(w.appliedAt()) && Double.isNaN(w.rolledBackAt())
                            ? w.nodes().size() : 0)).toArray()));
        }
        all.sort(Comparator.comparing(Row::weight).reversed());
        this.rows = all;
    }

    public List<ResultsDir> runs() {
        return runs;
    }

    /** Every row, those that differ most first. */
    public List<Row> rows() {
        return rows;
    }

    public List<Row> differing() {
        return rows.stream().filter(Row::differs).toList();
    }

    /** The sum over a rollout's waves in one run (0 when the run has no such rollout). */
    private static long rollout(ResultsDir r, String name, java.util.function.ToLongFunction<RolloutFinal.Wave> f) {
        return r.summary().rollouts().stream().filter(ro -> ro.name().equals(name))
                .flatMap(ro -> ro.waves().stream()).mapToLong(f).sum();
    }

    private static ResultsDir.CgroupFinal find(ResultsDir r, String cgroup) {
        for (ResultsDir.CgroupFinal c : r.summary().cgroups()) {
            if (c.cgroup().equals(cgroup)) {
                return c;
            }
        }
        return null;
    }

    private static long summaryStat(ResultsDir r, String cgroup, String metric, String stat) {
        return finalOf(r, cgroup, c -> c.stat(metric, stat));
    }

    /** A figure of a cgroup's final state in one run, 0 when the run has no such cgroup. */
    private static long finalOf(ResultsDir r, String cgroup, java.util.function.ToLongFunction<ResultsDir.CgroupFinal> f) {
        ResultsDir.CgroupFinal c = find(r, cgroup);
        return c == null ? 0 : f.applyAsLong(c);
    }

    /** compare.csv: one row per compared figure, values then changes against the first run. */
    public String csv() {
        StringBuilder sb = new StringBuilder();
        try (CSVPrinter out = Csv.printer(sb)) {
            out.print("cgroup");
            out.print("metric");
            out.print("unit");
            for (int i = 0; i < runs.size(); i++) {
                out.print(runs.get(i).dir().getFileName().toString());
            }
            for (int i = 1; i < runs.size(); i++) {
                String n = runs.get(i).dir().getFileName().toString();
                out.print("change " + n);
                out.print("change % " + n);
            }
            out.println();
            for (Row r : rows) {
                out.print(r.cgroup());
                out.print(r.metric());
                out.print(r.bytes() ? "bytes" : "count");
                for (long v : r.values()) {
                    out.print(v);
                }
                for (int i = 1; i < r.values().length; i++) {
                    out.print(r.values()[i] - r.values()[0]);
                    out.print(Units.percent(r.values()[0], r.values()[i]).replace("%", ""));
                }
                out.println();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail
        }
        return sb.toString();
    }

    /** The table's cells for one row: cgroup, metric, values, then absolute and percent changes. */
    List<String> cells(Row r) {
        List<String> cells = new ArrayList<>(List.of(r.cgroup(), r.metric()));
        for (int i = 0; i < r.values().length; i++) {
            cells.add(r.format(i));
        }
        for (int i = 1; i < r.values().length; i++) {
            long d = r.values()[i] - r.values()[0];
            String abs = r.bytes() ? (d < 0 ? "-" : "+") + Units.bytes(Math.abs(d)) : String.format("%+d", d);
            cells.add(d == 0 ? "=" : abs + " (" + Units.percent(r.values()[0], r.values()[i]) + ")");
        }
        return cells;
    }

    List<String> header() {
        List<String> h = new ArrayList<>(List.of("cgroup", "metric"));
        runs.forEach(r -> h.add(r.dir().getFileName().toString()));
        for (int i = 1; i < runs.size(); i++) {
            h.add("change " + runs.get(i).dir().getFileName());
        }
        return h;
    }
}
