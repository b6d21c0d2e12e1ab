package io.memfleet.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/** {@code compare.html}: overlaid plots of the runs and the table of differences, largest first. */
public final class CompareReport {
    private CompareReport() {
    }

    public static String render(Comparison c) {
        Page p = new Page("memfleet comparison");
        p.heading(1, "memfleet comparison");
        List<ResultsDir> runs = c.runs();
        StringBuilder who = new StringBuilder("Baseline: " + runs.get(0).label());
        for (int i = 1; i < runs.size(); i++) {
            who.append(i == 1 ? "; against: " : ", ").append(runs.get(i).label());
        }
        p.heading(2, "What changed");
        p.answers(answers(c));
        p.paragraph(who.toString());
        List<Comparison.Row> diff = c.differing();
        p.heading(2, diff.isEmpty() ? "No differences" : "Differences, largest first");
        List<List<String>> rows = new ArrayList<>();
        diff.forEach(r -> rows.add(c.cells(r)));
        p.table("differences", new Page.Table(c.header(), rows));
        double[] x = axis(runs);
        TreeSet<String> cgroups = new TreeSet<>();
        runs.forEach(r -> cgroups.addAll(HtmlReport.charted(r.series())));
        p.heading(2, "Usage p99 per cgroup, overlaid");
        p.chartSection("usage");
        p.heading(2, "kmem p99 per cgroup, overlaid");
        p.chartSection("kmem");
        p.heading(2, "Dead caches per cgroup, overlaid");
        p.chartSection("dead");
        for (String cg : cgroups) {
            p.chart(overlay("usage", "usage p99 of " + cg, cg, "usage_p99", "bytes", runs, x));
            p.chart(overlay("kmem", "kmem p99 of " + cg, cg, "kmem_p99", "bytes", runs, x));
            p.chart(overlay("dead", "dead caches left by " + cg, cg, "dead_caches", "count", runs, x));
        }
        ZombieSection.compare(p, runs, x);
        p.leftOutNote();
        p.heading(2, "Every compared figure");
        List<List<String>> all = new ArrayList<>();
        c.rows().forEach(r -> all.add(c.cells(r)));
        p.table("all", new Page.Table(c.header(), all));
        return p.render();
    }

    private static Page.Chart overlay(String section, String title, String cgroup, String column, String unit,
                                      List<ResultsDir> runs, double[] x) {
        List<Page.Line> lines = new ArrayList<>();
        for (ResultsDir r : runs) { // the baseline as a pale band under the others: visible where they agree
            lines.add(new Page.Line(r.dir().getFileName().toString(), r.series().column(cgroup, column, x),
                    lines.isEmpty() ? Page.WIDE : ""));
        }
        return new Page.Chart(section + ":" + cgroup, section, title, unit, x, lines);
    }

    /** The comparison in sentences: how many figures differ, then the largest differences, each linked to its chart. */
    static List<Answers.Line> answers(Comparison c) {
        List<Answers.Line> out = new ArrayList<>();
        List<Comparison.Row> diff = c.differing();
        List<String> names = c.runs().stream().map(r -> r.dir().getFileName().toString()).toList();
        out.add(new Answers.Line(diff.isEmpty() ? "The runs agree on every one of the " + c.rows().size() + " compared figures."
                : Answers.count(diff.size()) + " of " + Answers.count(c.rows().size()) + " compared figures differ from the "
                        + "baseline " + names.get(0) + "; the largest:", "differences"));
        TreeSet<String> charted = new TreeSet<>();
        c.runs().forEach(r -> charted.addAll(HtmlReport.charted(r.series())));
        for (Comparison.Row r : diff.subList(0, Math.min(ANSWERS, diff.size()))) {
            StringBuilder line = new StringBuilder(r.cgroup() + ": " + r.metric() + " " + r.format(0) + " in " + names.get(0));
            for (int i = 1; i < names.size(); i++) {
                line.append(i == 1 ? ", " : "; ").append(r.format(i)).append(" in ").append(names.get(i)).append(" (")
                        .append(Units.percent(r.values()[0], r.values()[i])).append(')');
            }
            String section = r.metric().startsWith("usage") ? "usage" : r.metric().startsWith("kmem") ? "kmem"
                    : r.metric().startsWith("dead") ? "dead" : null;
            out.add(new Answers.Line(line + ".", section != null && charted.contains(r.cgroup())
                    ? Answers.chart(section + ":" + r.cgroup()) : "differences"));
        }
        return out;
    }

    /** How many of the largest differences the page's first lines name. */
    static final int ANSWERS = 8;

    private static double[] axis(List<ResultsDir> runs) {
        TreeSet<Double> all = new TreeSet<>();
        runs.forEach(r -> Arrays.stream(r.series().timeAxis()).forEach(all::add));
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
