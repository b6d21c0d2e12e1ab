package io.memfleet.cli;

import io.memfleet.controller.model.SimulatedSeries;
import io.memfleet.controller.model.SimulatedSeries.Family;
import io.memfleet.controller.model.SimulatedSeries.Target;
import io.memfleet.report.SeriesTable;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A results directory's series as OpenMetrics text with timestamps, without I/O: what
 * {@code promtool tsdb create-blocks-from openmetrics} backfills. Names are those the controller
 * serves on {@code /metrics} for the fleet aggregates ({@code memfleet_fleet_memory_usage_bytes}
 * with {@code experiment}, {@code cgroup} and {@code stat}; {@code memfleet_fleet_oom_kills_total},
 * ...); a sample's timestamp is {@code start + simulated seconds}. Each family is written whole,
 * each series in time order, {@code # EOF} last. A counter column of the results (OOM kills,
 * allocation failures, mkdirs refused) holds each interval's events; here it is their running total,
 * as on /metrics, with a 0 at simulated time 0 (every node boots with none), so that
 * {@code increase()} over the run is the run's total.
 */
final class OpenMetricsExport {
    /** The first characters of every file this writes: how a file of ours is told from another. */
    static final String SIGNATURE = "# TYPE memfleet_";

    private OpenMetricsExport() {
    }

    /** Writes {@code series} (series.csv) and {@code slabs} (slabs.csv) of {@code experiment}, sample times laid on {@code start}. */
    static void write(Appendable out, String experiment, SeriesTable series, SeriesTable slabs, BigDecimal start)
            throws IOException {
        Map<Family, List<Column>> families = new LinkedHashMap<>();
        for (String c : series.columns().subList(2, series.columns().size())) {
            if (series.hasColumn(c)) {
                Target t = SimulatedSeries.cgroupColumn(c);
                families.computeIfAbsent(t.family(), k -> new ArrayList<>())
                        .add(new Column(c, t.labels(), t.rootOnly(), series, "cgroup"));
            }
        }
        for (String c : slabs.columns().subList(2, slabs.columns().size())) {
            families.computeIfAbsent(SimulatedSeries.slabColumn(c).family(), k -> new ArrayList<>())
                    .add(new Column(c, List.of(), false, slabs, "slab"));
        }
        for (Map.Entry<Family, List<Column>> f : families.entrySet()) {
            Family fam = f.getKey();
            out.append("# TYPE ").append(fam.name()).append(fam.counter() ? " counter\n" : " gauge\n");
            out.append("# HELP ").append(fam.name()).append(' ').append(fam.help()).append('\n');
            for (Column col : f.getValue()) {
                writeColumn(out, fam.sampleName(), fam.counter(), experiment, col, start);
            }
        }
        out.append("# EOF\n");
    }

    /** The simulated seconds of the last row of either table (0 for none): how far the run's time reaches. */
    static double lastSeconds(SeriesTable series, SeriesTable slabs) {
        double last = 0;
        for (SeriesTable t : List.of(series, slabs)) {
            for (int r = 0; r < t.rows(); r++) {
                last = Math.max(last, t.time(r));
            }
        }
        return last;
    }

    /** One statistic column of a table, with the label that names its rows (cgroup or slab). */
    private record Column(String name, List<String> labels, boolean rootOnly, SeriesTable table, String rowLabel) { }

    private static void writeColumn(Appendable out, String sample, boolean counter, String experiment, Column col,
                                    BigDecimal start) throws IOException {
        SeriesTable t = col.table();
        Map<String, List<Integer>> bySeries = new LinkedHashMap<>();
        for (int r = 0; r < t.rows(); r++) {
            if (col.rootOnly() && !t.cgroup(r).equals(SimulatedSeries.ROOT)) {
                continue;
            }
            StringBuilder labels = new StringBuilder("{experiment=\"").append(escape(experiment)).append('"');
            if (!col.rootOnly()) {
                labels.append(',').append(col.rowLabel()).append("=\"").append(escape(t.cgroup(r))).append('"');
            }
            if (SimulatedSeries.split(t.group(r))) {
                labels.append(",rollout=\"").append(escape(t.rollout(r))).append("\",group=\"")
                        .append(escape(t.group(r))).append('"');
            }
            for (int i = 0; i < col.labels().size(); i += 2) {
                labels.append(',').append(col.labels().get(i)).append("=\"").append(col.labels().get(i + 1)).append('"');
            }
            bySeries.computeIfAbsent(labels.append('}').toString(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<Integer>> s : bySeries.entrySet()) {
            List<Integer> rows = new ArrayList<>(s.getValue());
            rows.sort((a, b) -> Double.compare(t.time(a), t.time(b)));
            if (counter && !rows.isEmpty() && t.time(rows.get(0)) > 0) {
                out.append(sample).append(s.getKey()).append(" 0 ").append(timestamp(start, 0)).append('\n');
            }
            long total = 0;
            for (int r : rows) {
                long v = t.value(r, col.name());
                total += v;
                out.append(sample).append(s.getKey()).append(' ').append(Long.toUnsignedString(counter ? total : v))
                        .append(' ').append(timestamp(start, t.time(r))).append('\n');
            }
        }
    }

    /** Seconds since the epoch of a sample at {@code simSeconds}, to the millisecond Prometheus keeps. */
    static String timestamp(BigDecimal start, double simSeconds) {
        BigDecimal t = start.add(BigDecimal.valueOf(simSeconds)).setScale(3, java.math.RoundingMode.HALF_EVEN);
        BigDecimal plain = t.stripTrailingZeros();
        return (plain.scale() < 0 ? plain.setScale(0) : plain).toPlainString();
    }

    /** A label value as the exposition formats quote it. */
    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
