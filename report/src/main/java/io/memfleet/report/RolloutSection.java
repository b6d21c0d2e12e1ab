package io.memfleet.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report's rollouts: a sentence per rollout saying how it went, a table of its waves (nodes,
 * times, each rule's value against its threshold, the writes' errnos), the waves marked on every
 * chart's time axis, and per cgroup it split the series of, the changed nodes against the rest.
 */
final class RolloutSection {
    private RolloutSection() {
    }

    /** The sentence that says what happened to a rollout. */
    static String sentence(RolloutFinal r) {
        StringBuilder sb = new StringBuilder(r.name()).append(": ").append(r.outcome()).append('.');
        for (RolloutFinal.Wave w : r.waves()) {
            if (w.verdict().equals("halted")) {
                sb.append(" Wave ").append(w.wave()).append(" (").append(w.nodes().size()).append(" nodes, from ")
                        .append(Units.seconds(w.appliedAt())).append(") tripped ");
                List<String> tripped = new ArrayList<>();
                w.guards().stream().filter(RolloutFinal.Guard::tripped).forEach(g -> tripped.add(g.describe()));
                sb.append(String.join("; ", tripped)).append(" by ").append(Units.seconds(w.decidedAt())).append('.');
            }
        }
        return sb.toString();
    }

    /** Marks the waves on every chart: when each was applied, and the halt. */
    static void mark(Page p, List<RolloutFinal> rollouts) {
        for (RolloutFinal r : rollouts) {
            for (RolloutFinal.Wave w : r.waves()) {
                if (!Double.isNaN(w.appliedAt())) {
                    p.marker(w.appliedAt(), r.name() + " wave " + w.wave());
                }
                if (w.verdict().equals("halted")) {
                    p.marker(w.decidedAt(), r.name() + (Double.isNaN(w.rolledBackAt()) ? " halted" : " rolled back"));
                }
            }
        }
    }

    static void render(Page p, ResultsDir r) {
        List<RolloutFinal> rollouts = r.summary().rollouts();
        if (rollouts.isEmpty()) {
            return;
        }
        p.heading(2, "Rollouts");
        for (RolloutFinal ro : rollouts) {
            p.table("rollout-" + ro.name(), waves(ro, r.summary().experiment()));
        }
        SeriesTable t = r.series();
        if (t.hasSplits()) {
            p.heading(2, "Changed nodes against the rest of the fleet");
            p.chartSection("rollouts");
            double[] x = t.timeAxis();
            for (List<String> split : t.splits()) {
                String rollout = split.get(0);
                String cgroup = split.get(1);
                List<Page.Line> lines = new ArrayList<>();
                for (String group : List.of("changed", "unchanged")) {
                    for (String stat : List.of("p50", "max")) {
                        lines.add(new Page.Line(group + " " + stat, t.column(cgroup, rollout, group, "usage_" + stat, x)));
                    }
                }
                p.chart(new Page.Chart("rollout:" + rollout + ":" + cgroup, "rollouts", "usage of " + cgroup
                        + ": nodes " + rollout + " changed, and the rest", "bytes", x, lines));
            }
        }
    }

    private static Page.Table waves(RolloutFinal r, String experiment) {
        List<List<String>> rows = new ArrayList<>();
        for (RolloutFinal.Wave w : r.waves()) {
            List<String> rules = new ArrayList<>();
            w.guards().forEach(g -> rules.add(g.describe()));
            rows.add(List.of(Integer.toString(w.wave()), Units.number(w.share() * 100) + "%", nodes(w.nodes(), experiment),
                    time(w.appliedAt()), time(w.decidedAt()), w.verdict(), String.join("; ", rules),
                    errnos(w.applyErrnos()), time(w.rolledBackAt()), errnos(w.rollbackErrnos())));
        }
        return new Page.Table(List.of("wave", "share", "nodes", "applied at", "decided at", "verdict", "rules",
                "writes", "rolled back at", "rollback writes"), rows);
    }

    private static String nodes(List<Integer> nodes, String experiment) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < Math.min(nodes.size(), 6); i++) {
            names.add(experiment + "-" + String.format(java.util.Locale.ROOT, "%04d", nodes.get(i)));
        }
        return nodes.size() + " (" + String.join(", ", names) + (nodes.size() > 6 ? ", ..." : "") + ")";
    }

    private static String time(double s) {
        return Double.isNaN(s) ? "" : Units.seconds(s);
    }

    private static String errnos(Map<String, Long> m) {
        List<String> out = new ArrayList<>();
        m.forEach((errno, n) -> out.add(errno + " " + n));
        return String.join(", ", out);
    }
}
