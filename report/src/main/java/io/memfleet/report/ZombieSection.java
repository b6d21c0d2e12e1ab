package io.memfleet.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The dying-groups part of a report: the root's node totals over simulated time (dying groups,
 * css ids in use, bytes pinned by dead caches) and the {@link ZombieForecast} in sentences. A
 * results directory written before these columns existed has none of it.
 */
final class ZombieSection {
    static final String ROOT = "/";

    private ZombieSection() {
    }

    /** True when the series has the node totals (css ids are reported by every node that has any). */
    static boolean present(SeriesTable t) {
        return t.hasColumn("css_ids_max") && t.peak(ROOT, "css_ids_max") > 0;
    }

    /** The forecast from the root's rows. */
    static ZombieForecast.Forecast forecast(SeriesTable t) {
        double[] x = t.timeAxis();
        Long[] p50 = t.column(ROOT, "css_ids_p50", x);
        Long[] max = t.column(ROOT, "css_ids_max", x);
        Long[] dying = t.column(ROOT, "dying_memcgs_p50", x);
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (max[i] != null && max[i] > 0) {
                rows.add(i);
            }
        }
        double[] s = new double[rows.size()];
        long[][] v = new long[3][rows.size()];
        for (int k = 0; k < rows.size(); k++) {
            int i = rows.get(k);
            s[k] = x[i];
            v[0][k] = p50[i];
            v[1][k] = max[i];
            v[2][k] = dying[i];
        }
        return ZombieForecast.of(s, v[0], v[1], v[2]);
    }

    /** The forecast's sentences: growth, then when the first and the median node reach the ceiling. */
    static List<String> sentences(ZombieForecast.Forecast f) {
        ZombieForecast.Growth m = f.cssIdsMedian();
        return List.of(
                "css ids in use grow by " + ZombieForecast.perDay(m.perDay()) + " a day on the median node and "
                        + ZombieForecast.perDay(f.cssIdsFirst().perDay()) + " a day on the node with the most"
                        + "; dying groups by " + ZombieForecast.perDay(f.dyingMedian().perDay())
                        + " a day on the median node (least-squares lines over the later half of the run: days "
                        + ZombieForecast.days(m.fromSeconds()) + " to " + ZombieForecast.days(f.runSeconds()) + ", "
                        + m.samples() + " samples).",
                "First node at 65,535 css ids: " + f.first().describe(f.runSeconds()) + ".",
                "Median node at 65,535 css ids: " + f.median().describe(f.runSeconds()) + ".");
    }

    static void render(Page p, SeriesTable t) {
        if (!present(t)) {
            return;
        }
        double[] x = t.timeAxis();
        p.heading(2, "Dying groups and css ids (zombie forecast)");
        sentences(forecast(t)).forEach(p::paragraph);
        p.muted("Per node, over the nodes at each telemetry time: dying groups (removed, still referenced), css ids in"
                + " use (the root, live and dying groups; mkdir fails with ENOSPC at 65,535) and slab pages held by dead"
                + " caches. The extrapolation is a straight line: it assumes the churn of the later half goes on.");
        p.chartSection("dying");
        p.chart(rootChart("dying_memcgs", "dying groups per node", List.of("p50", "p99", "max"), "count", t, x));
        p.chart(rootChart("css_ids", "css ids in use per node (ceiling 65,535)", List.of("p50", "p99", "max"), "count", t, x));
        p.chart(rootChart("pinned_kmem_bytes", "slab bytes pinned by dead caches per node", List.of("p50", "max"), "bytes",
                t, x));
        long enospc = 0;
        for (Long v : t.column(ROOT, "mkdir_enospc", x)) {
            enospc += v == null ? 0 : v;
        }
        p.paragraph("mkdirs refused with ENOSPC over the fleet: " + enospc + ".");
    }

    private static Page.Chart rootChart(String metric, String title, List<String> stats, String unit, SeriesTable t,
                                        double[] x) {
        List<Page.Line> lines = new ArrayList<>();
        for (String stat : stats) {
            lines.add(new Page.Line(stat, t.column(ROOT, metric + "_" + stat, x)));
        }
        return new Page.Chart("dying:" + metric, "dying", title, unit, x, lines);
    }

    /** compare.html's part: the forecast per run in a table, and the root's node totals overlaid. */
    static void compare(Page p, List<ResultsDir> runs, double[] x) {
        List<ResultsDir> with = runs.stream().filter(r -> present(r.series())).toList();
        if (with.isEmpty()) {
            return;
        }
        p.heading(2, "Zombie forecast per run");
        List<List<String>> rows = new ArrayList<>();
        for (ResultsDir r : with) {
            ZombieForecast.Forecast f = forecast(r.series());
            rows.add(List.of(r.dir().getFileName().toString(), ZombieForecast.perDay(f.cssIdsMedian().perDay()),
                    ZombieForecast.perDay(f.cssIdsFirst().perDay()), ZombieForecast.perDay(f.dyingMedian().perDay()),
                    Long.toString(r.series().peak(ROOT, "css_ids_max")), f.first().describe(f.runSeconds()),
                    f.median().describe(f.runSeconds())));
        }
        p.table("zombie-forecast", new Page.Table(List.of("run", "css ids/day (median node)", "css ids/day (most)",
                "dying groups/day (median node)", "css ids peak (max node)", "first node at 65,535",
                "median node at 65,535"), rows));
        p.muted("Growth: least-squares lines over the later half of each run; a time not reached in the run is the line"
                + " extended to 65,535 css ids.");
        p.chartSection("zombies");
        for (String[] m : List.of(new String[] {"dying_memcgs_max", "dying groups per node (max over the nodes)", "count"},
                new String[] {"css_ids_max", "css ids in use per node (max over the nodes)", "count"},
                new String[] {"css_ids_p50", "css ids in use per node (median node)", "count"},
                new String[] {"pinned_kmem_bytes_max", "slab bytes pinned by dead caches (max over the nodes)", "bytes"})) {
            List<Page.Line> lines = new ArrayList<>();
            for (ResultsDir r : with) {
                lines.add(new Page.Line(r.dir().getFileName().toString(), r.series().column(ROOT, m[0], x)));
            }
            p.chart(new Page.Chart("zombies:" + m[0], "zombies", m[1], m[2], x, lines));
        }
    }
}
