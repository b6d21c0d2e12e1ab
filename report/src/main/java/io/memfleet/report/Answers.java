package io.memfleet.report;

import io.memfleet.common.CgroupFold;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What happened, in a few generated sentences: fleet-wide first, then per cgroup the OOM kills,
 * the allocation failures with the limits they met, usage that came close to a limit, and the dead
 * caches left behind with how fast they grew. Each line names the chart (or table) it is read from.
 */
final class Answers {
    /** One sentence and the id of the chart (or table) that shows it. */
    record Line(String text, String target) { }

    /** Usage at or above this share of its limit is worth a line even without an OOM kill. */
    static final double NEAR_LIMIT = 0.9;
    /** Limits at or above this are "unlimited" (the kernel's RESOURCE_MAX and its page-rounded forms). */
    static final long UNLIMITED = 1L << 62;

    /** The final table's element id. */
    static final String TABLE = "final-cgroups";

    private Answers() {
    }

    /** The element id of a chart (as the page's script names its box). */
    static String chart(String id) {
        return "chart-" + id;
    }

    static List<Line> of(ResultsDir r) {
        ResultsDir.Summary s = r.summary();
        List<Line> out = new ArrayList<>();
        long ooms = s.cgroups().stream().mapToLong(ResultsDir.CgroupFinal::oomKills).sum();
        long fails = s.cgroups().stream().mapToLong(ResultsDir.CgroupFinal::allocFailures).sum();
        String run = count(s.nodes()) + " nodes, " + Units.seconds(s.simulatedSeconds()) + " simulated";
        out.add(new Line(ooms == 0 && fails == 0 ? "Fleet: no OOM kill and no allocation failure (" + run + ")."
                : "Fleet: " + count(ooms) + " OOM kills and " + count(fails) + " allocation failures (" + run + ").",
                ooms > 0 ? chart("events:oom_kills") : fails > 0 ? chart("events:alloc_failures") : TABLE));
        SeriesTable t = r.series();
        List<String> charted = HtmlReport.charted(t);
        for (ResultsDir.CgroupFinal c : s.cgroups()) {
            ResultsDir.Events e = c.events();
            String cg = c.cgroup();
            boolean pattern = CgroupFold.isPattern(cg);
            if (c.oomKills() > 0) {
                String who = pattern || e.oomNodes() == 0 ? "" : " on " + count(e.oomNodes()) + " of " + count(c.nodes())
                        + " nodes";
                out.add(new Line(cg + ": OOM-killed" + who + " (" + count(c.oomKills()) + " kills)" + first(e.firstOomKillS())
                        + limits(e, false) + ".", chart("events:oom_kills")));
            }
            if (c.allocFailures() > 0) {
                String who = pattern || e.allocFailureNodes() == 0 ? "" : " on " + count(e.allocFailureNodes()) + " of "
                        + count(c.nodes()) + " nodes";
                out.add(new Line(cg + ": " + count(c.allocFailures()) + " allocation failures" + who
                        + first(e.firstAllocFailureS()) + limits(e, true) + ".", chart("events:alloc_failures")));
            }
            if (c.oomKills() == 0 && c.allocFailures() == 0) {
                near(out, cg, "usage", t.peak(cg, "usage_max"), e.limit(), "limit", charted.contains(cg));
                near(out, cg, "kmem", t.peak(cg, "kmem_max"), e.kmemLimit(), "kmem limit", charted.contains(cg));
            }
            if (c.deadCaches() > 0) {
                out.add(new Line(cg + ": " + count(c.deadCaches()) + " dead caches at the end, " + growth(t, cg, s.nodes())
                        + ".", chart("caches:live-dead")));
            }
        }
        return out;
    }

    private static void near(List<Line> out, String cg, String metric, long peak, long limit, String what, boolean charted) {
        if (limit > 0 && limit < UNLIMITED && peak >= NEAR_LIMIT * limit) {
            out.add(new Line(cg + ": " + metric + " reached " + Units.bytes(peak) + " of its " + Units.bytes(limit) + " "
                    + what + " (" + Math.round(100.0 * peak / limit) + "%).", charted ? chart(metric + ":" + cg) : TABLE));
        }
    }

    /** How the fleet's dead caches of {@code cg} grew over the later half of the run, per node and minute. */
    private static String growth(SeriesTable t, String cg, long nodes) {
        double[] x = t.timeAxis();
        List<Double> sec = new ArrayList<>();
        List<Long> val = new ArrayList<>();
        Long[] dead = t.column(cg, "dead_caches", x);
        for (int i = 0; i < x.length; i++) {
            if (dead[i] != null) {
                sec.add(x[i]);
                val.add(dead[i]);
            }
        }
        ZombieForecast.Growth g = ZombieForecast.fit(sec.stream().mapToDouble(Double::doubleValue).toArray(),
                val.stream().mapToLong(Long::longValue).toArray());
        double perNodeMinute = g.perDay() / 1440 / Math.max(1, nodes);
        if (g.samples() < 2 || perNodeMinute <= 0) {
            return "not growing at the end";
        }
        return "growing " + rate(perNodeMinute) + " per node per minute";
    }

    /** The limits that bound {@code c}'s events: the kmem limit for allocation failures when one is set. */
    private static String limits(ResultsDir.Events e, boolean alloc) {
        List<String> set = new ArrayList<>();
        if (alloc && e.kmemLimit() > 0 && e.kmemLimit() < UNLIMITED) {
            set.add(Units.bytes(e.kmemLimit()) + " kmem limit");
        }
        if (e.limit() > 0 && e.limit() < UNLIMITED) {
            set.add(Units.bytes(e.limit()) + " limit");
        }
        if (e.memswLimit() > 0 && e.memswLimit() < UNLIMITED && e.memswLimit() != e.limit()) {
            set.add(Units.bytes(e.memswLimit()) + " memsw limit");
        }
        return set.isEmpty() ? "" : "; " + String.join(", ", set);
    }

    private static String first(double seconds) {
        return Double.isNaN(seconds) ? "" : ", first at " + Units.seconds(seconds);
    }

    /** A count with thousands separators: 3,855. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String rate(double v) {
        return v >= 10 ? count(Math.round(v)) : Units.number(Math.round(v * 100) / 100.0);
    }
}
