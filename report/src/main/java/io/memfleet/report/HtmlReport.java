package io.memfleet.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html} of one results directory: the experiment and its kernel options, per-cgroup
 * usage and kmem over simulated time (p50, p99, max over the nodes), OOM kills and allocation
 * failures per interval, per-cgroup slab caches live and dead, slab bytes and dead caches per
 * root cache over time, dying groups and css ids with the zombie forecast ({@link ZombieSection}),
 * the final table per cgroup, the slab caches by bytes and the nodes with
 * the most kernel memory.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /** The cgroups drawn one chart each: the root's children (deeper ones stay in the tables and files). */
    static List<String> charted(SeriesTable s) {
        List<String> out = new ArrayList<>();
        for (String c : s.cgroupPaths()) {
            boolean topLevel = c.lastIndexOf('/') == 0 && c.length() > 1;
            if (topLevel || (c.equals("/") && s.peak(c, "usage_max") > 0)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The report with transient cgroups folded into their parent's pattern ({@code /jobs/*}). */
    public static String render(ResultsDir r) {
        return render(r, false);
    }

    /** The report; {@code exact} keeps every cgroup path as it is instead of folding transient ones. */
    public static String render(ResultsDir exactRun, boolean exact) {
        ResultsDir r = exact ? exactRun : FoldedRuns.fold(exactRun);
        ResultsDir.Summary s = r.summary();
        Page p = new Page("memfleet report: " + s.experiment());
        p.heading(1, "memfleet report: " + s.experiment());
        p.heading(2, "What happened");
        p.answers(Answers.of(r));
        header(p, r);
        SeriesTable t = r.series();
        double[] x = t.timeAxis();
        RolloutSection.render(p, r);
        p.heading(2, "Memory usage per cgroup over the fleet");
        p.chartSection("usage");
        p.heading(2, "Kernel memory (kmem) per cgroup over the fleet");
        p.chartSection("kmem");
        for (String cg : charted(t)) {
            ResultsDir.Events limits = events(s, cg);
            p.chart(statChart("usage", "usage of " + cg + " over the nodes", cg, "usage", t, x)
                    .withLimit("limit", limits.limit())
                    .withLimit("memsw limit", limits.memswLimit() == limits.limit() ? 0 : limits.memswLimit()));
            p.chart(statChart("kmem", "kmem of " + cg + " over the nodes", cg, "kmem", t, x)
                    .withLimit("kmem limit", limits.kmemLimit()));
        }
        p.heading(2, "OOM kills and allocation failures");
        p.chartSection("events");
        p.chart(eventChart("oom_kills", "OOM kills per telemetry interval", t, x));
        p.chart(eventChart("alloc_failures", "allocation failures (ENOMEM) per telemetry interval", t, x));
        p.heading(2, "Per-cgroup slab caches, live and dead");
        p.chartSection("caches");
        p.chart(cacheChart(t, x));
        p.heading(2, "Slab caches over simulated time");
        p.chartSection("slabs");
        p.chart(slabChart(r.slabs(), "bytes", "slab bytes per root cache (the 8 largest)", "bytes"));
        p.chart(slabChart(r.slabs(), "dead_caches", "dead per-cgroup caches per root cache", "count"));
        ZombieSection.render(p, t);
        p.leftOutNote();
        p.heading(2, "Final state per cgroup");
        p.table("final-cgroups", finalTable(s));
        p.heading(2, "Slab caches by bytes");
        p.table("slab-caches", cacheTable(s));
        p.heading(2, "Nodes with the most kernel memory");
        p.table("top-kmem", topKmem(r));
        if (!r.experimentYaml().isEmpty()) {
            p.heading(2, "The experiment as submitted");
            p.pre(r.experimentYaml());
        }
        p.muted("Made by memfleet from " + ResultsDir.SUMMARY + ", " + ResultsDir.SERIES + " and nodes/ of this directory.");
        return p.render();
    }

    /** The run in one line, and what its traces needed on the way in (from run.json). */
    private static void header(Page p, ResultsDir r) {
        ResultsDir.Summary s = r.summary();
        p.paragraph(String.format(Locale.ROOT, "%d nodes, %s simulated seconds, seed %d, kernel options: %s, %d events",
                s.nodes(), trim(s.simulatedSeconds()), s.seed(), s.kernel().isEmpty() ? "(default)" : s.kernel(),
                s.events()));
        s.rollouts().forEach(ro -> p.paragraph(RolloutSection.sentence(ro)));
        RolloutSection.mark(p, s.rollouts());
        if (!r.traceRepairs().isEmpty()) {
            p.paragraph("Trace rows repaired on the way in (on_bad_rows):");
            r.traceRepairs().forEach(p::muted);
        }
    }

    static Page.Chart statChart(String section, String title, String cgroup, String metric, SeriesTable t, double[] x) {
        // the maximum as a pale band under p99 and p50, so that a percentile equal to it stays visible
        List<Page.Line> lines = new ArrayList<>();
        lines.add(new Page.Line("max", t.column(cgroup, metric + "_max", x), Page.WIDE));
        lines.add(new Page.Line("p99", t.column(cgroup, metric + "_p99", x)));
        lines.add(new Page.Line("p50", t.column(cgroup, metric + "_p50", x), Page.DASH));
        return new Page.Chart(section + ":" + cgroup, section, title, "bytes", x, lines);
    }

    /** The final limits of {@code cgroup} (unknown ones when the summary does not have it). */
    static ResultsDir.Events events(ResultsDir.Summary s, String cgroup) {
        return s.cgroups().stream().filter(c -> c.cgroup().equals(cgroup)).map(ResultsDir.CgroupFinal::events).findFirst()
                .orElse(ResultsDir.Events.NONE);
    }

    private static Page.Chart eventChart(String column, String title, SeriesTable t, double[] x) {
        List<Page.Line> lines = new ArrayList<>();
        for (String cg : t.cgroupPaths()) {
            if (t.peak(cg, column) > 0) {
                lines.add(new Page.Line(cg, t.column(cg, column, x)));
            }
        }
        return new Page.Chart("events:" + column, "events", title, "count", x, lines);
    }

    private static Page.Chart cacheChart(SeriesTable t, double[] x) {
        List<Page.Line> lines = new ArrayList<>();
        for (String cg : charted(t)) {
            for (String kind : List.of("live", "dead")) {
                if (t.peak(cg, kind + "_caches") > 0) {
                    lines.add(new Page.Line(cg + " " + kind, t.column(cg, kind + "_caches", x)));
                }
            }
        }
        return new Page.Chart("caches:live-dead", "caches", "per-cgroup slab caches over the fleet", "count", x, lines);
    }

    /** One line per root cache, the {@link #SLAB_LINES} with the largest peak of {@code column}. */
    private static Page.Chart slabChart(SeriesTable t, String column, String title, String unit) {
        double[] x = t.timeAxis();
        List<String> top = t.cgroupPaths().stream().filter(s -> t.peak(s, column) > 0)
                .sorted(Comparator.comparingLong((String s) -> t.peak(s, column)).reversed().thenComparing(s -> s))
                .limit(SLAB_LINES).sorted().toList();
        List<Page.Line> lines = new ArrayList<>();
        for (String slab : top) {
            lines.add(new Page.Line(slab, t.column(slab, column, x)));
        }
        return new Page.Chart("slabs:" + column, "slabs", title, unit, x, lines);
    }

    static final int SLAB_LINES = 8;

    private static Page.Table finalTable(ResultsDir.Summary s) {
        List<List<String>> rows = new ArrayList<>();
        for (ResultsDir.CgroupFinal c : s.cgroups()) {
            rows.add(List.of(c.cgroup(), Long.toString(c.nodes()), Units.bytes(c.stat("usage", "p50")),
                    Units.bytes(c.stat("usage", "p99")), Units.bytes(c.stat("usage", "max")), Units.bytes(c.stat("kmem", "p50")),
                    Units.bytes(c.stat("kmem", "p99")), Units.bytes(c.stat("kmem", "max")),
                    Answers.count(c.stat("failcnt", "max")), Answers.count(c.oomKills()), Answers.count(c.allocFailures()),
                    Answers.count(c.liveCaches()), Answers.count(c.deadCaches())));
        }
        return new Page.Table(List.of("cgroup", "nodes", "usage p50", "usage p99", "usage max", "kmem p50", "kmem p99",
                "kmem max", "failcnt max", "OOM kills", "alloc failures", "live caches", "dead caches"), rows);
    }

    private static Page.Table cacheTable(ResultsDir.Summary s) {
        List<List<String>> rows = new ArrayList<>();
        s.caches().stream().sorted(Comparator.comparingLong(ResultsDir.CacheFinal::bytes).reversed()
                .thenComparing(ResultsDir.CacheFinal::slab)).forEach(c -> rows.add(List.of(c.slab(),
                        Units.bytes(c.bytes()), Answers.count(c.caches()), Answers.count(c.deadCaches()),
                        Answers.count(c.activeObjs()), Answers.count(c.numObjs()))));
        return new Page.Table(List.of("slab", "bytes", "caches", "dead caches", "active objs", "objs"), rows);
    }

    private static Page.Table topKmem(ResultsDir r) {
        List<List<String>> rows = new ArrayList<>();
        for (ResultsDir.NodeKmem n : r.topKmem()) {
            rows.add(List.of(n.node(), n.cgroup(), Units.bytes(n.kmemUsage())));
        }
        return new Page.Table(List.of("node", "cgroup", "kmem usage"), rows);
    }

    static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
