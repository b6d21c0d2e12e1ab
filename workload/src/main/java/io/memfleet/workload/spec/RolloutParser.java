package io.memfleet.workload.spec;

import io.memfleet.kernel.api.InvalidCommandException;
import io.memfleet.kernel.api.Units;
import io.memfleet.proto.v1.CgroupConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code rollouts:} (of the experiment, or of a variant, whose entries are laid over the
 * experiment's rollout of the same name field by field) and checks each against the experiment:
 * its cgroups and rules name the experiment's cgroups, its times fall on telemetry samples inside
 * the experiment, and every wave reaches at least one more node.
 */
final class RolloutParser extends YamlFields {
    private static final Set<String> KEYS = Set.of("name", "at", "cgroups", "waves", "order", "bake", "halt_if",
            "on_halt");
    private static final Set<String> GUARD_KEYS = Set.of("cgroup", "metric", "per_node_above", "p50_above",
            "p99_above", "max_above");

    /** What a rollout is checked against: the experiment as it runs (with its variant's settings). */
    record Context(int nodes, long durationNs, long stepNs, long telemetryNs, List<CgroupConfig> cgroups) { }

    RolloutParser(String source) {
        super(source);
    }

    /** The rollouts of {@code n}; with a non-empty {@code base}, each is laid over the one of the same name there. */
    List<RolloutSpec> rollouts(Node n, String field, Context ctx, List<RolloutSpec> base) throws ExperimentException {
        List<RolloutSpec> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!(n instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            throw error(n, field, "expected a non-empty list of rollouts (name, at, cgroups, waves, bake, halt_if)");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            String p = field + "[" + i + "].";
            Map<String, Node> f = fields(mapping(seq.getValue().get(i), p), p, KEYS);
            String name = string(f, "name", p, true);
            if (!name.matches("[a-z0-9][a-z0-9-]{0,40}")) {
                throw error(f.get("name"), p + "name", "use 1-41 characters of a-z, 0-9 and '-'");
            }
            if (!names.add(name)) {
                throw error(f.get("name"), p + "name", "a second rollout named '" + name + "'");
            }
            RolloutSpec over = base.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
            out.add(rollout(f, p, name, over, ctx));
        }
        return out;
    }

    private RolloutSpec rollout(Map<String, Node> f, String p, String name, RolloutSpec over, Context ctx)
            throws ExperimentException {
        for (String required : List.of("at", "cgroups", "waves", "bake")) {
            if (over == null && !f.containsKey(required)) {
                throw error(f.get("name"), p + required, "required");
            }
        }
        long at = f.containsKey("at") ? time(f, "at", p, ctx) : over.atNs();
        long bake = f.containsKey("bake") ? time(f, "bake", p, ctx) : over.bakeNs();
        if (bake == 0) {
            throw error(f.get("bake"), p + "bake", "a wave needs some time to bake: above 0");
        }
        if (at >= ctx.durationNs()) {
            throw error(f.get("at"), p + "at", "at or after the end of the experiment ("
                    + ctx.durationNs() / 1e9 + " s)");
        }
        List<CgroupConfig> cgroups = over == null ? new ArrayList<>() : new ArrayList<>(over.cgroups());
        if (f.containsKey("cgroups")) {
            cgroups = ExperimentSpec.overlay(cgroups, new CgroupParser(source).cgroups(f.get("cgroups"), p + "cgroups"));
        }
        if (cgroups.isEmpty()) {
            throw error(f.get("cgroups"), p + "cgroups", "expected at least one cgroup and the settings it rolls out");
        }
        for (int c = 0; c < cgroups.size(); c++) {
            checkCgroup(cgroups.get(c).getPath(), f.get("cgroups"), p + "cgroups[" + c + "].path", ctx);
        }
        List<Double> waves = f.containsKey("waves") ? waves(f.get("waves"), p + "waves", ctx.nodes()) : over.waves();
        RolloutSpec.Order order = f.containsKey("order") ? choice(f, "order", p, RolloutSpec.Order.class)
                : over == null ? RolloutSpec.Order.SEEDED : over.order();
        RolloutSpec.OnHalt onHalt = f.containsKey("on_halt") ? choice(f, "on_halt", p, RolloutSpec.OnHalt.class)
                : over == null ? RolloutSpec.OnHalt.ROLLBACK : over.onHalt();
        List<RolloutSpec.Guard> guards = f.containsKey("halt_if") ? guards(f.get("halt_if"), p + "halt_if", ctx)
                : over == null ? List.of() : over.haltIf();
        return new RolloutSpec(name, at, cgroups, waves, order, bake, guards, onHalt);
    }

    private void checkCgroup(String path, Node at, String field, Context ctx) throws ExperimentException {
        if (ctx.cgroups().stream().noneMatch(c -> c.getPath().equals(path))) {
            throw error(at, field, "'" + path + "' is not in the experiment's cgroups (a rollout changes settings of "
                    + "cgroups the experiment makes)");
        }
    }

    /** A time of the rollout: from 0, on a step and a telemetry sample, so a wave's window starts and ends on samples. */
    private long time(Map<String, Node> f, String key, String p, Context ctx) throws ExperimentException {
        Node n = f.get(key);
        String text = scalar(n, p + key);
        long ns;
        try {
            ns = Units.parseDuration(text);
        } catch (InvalidCommandException e) {
            throw error(n, p + key, "expected a duration such as 10s or 500ms, got '" + text + "'");
        }
        if (ns < 0 || ns % ctx.stepNs() != 0 || ns % ctx.telemetryNs() != 0) {
            throw error(n, p + key, "must be a multiple of the step (" + ctx.stepNs() / 1e9 + " s) and of "
                    + "telemetry_interval (" + ctx.telemetryNs() / 1e9 + " s), so that waves start and end on a sample; "
                    + "got '" + text + "'");
        }
        return ns;
    }

    /** Cumulative shares, written 1%, 50% or 0.25: increasing, each reaching at least one more node. */
    private List<Double> waves(Node n, String field, int nodes) throws ExperimentException {
        if (!(n instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            throw error(n, field, "expected a list of cumulative shares of the nodes, e.g. [1%, 10%, 50%, 100%]");
        }
        List<Double> out = new ArrayList<>();
        int reached = 0;
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node w = seq.getValue().get(i);
            String text = scalar(w, field + "[" + i + "]").strip();
            double share;
            try {
                share = text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1)) / 100
                        : Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw error(w, field + "[" + i + "]", "expected a share such as 10% or 0.1, got '" + text + "'");
            }
            if (!(share > 0 && share <= 1)) {
                throw error(w, field + "[" + i + "]", "a share is above 0% and at most 100%, got '" + text + "'");
            }
            int count = RolloutSpec.reached(share, nodes);
            if (count <= reached) {
                throw error(w, field + "[" + i + "]", "reaches no node the waves before it did not (" + count + " of "
                        + nodes + " nodes); make the shares further apart");
            }
            reached = count;
            out.add(share);
        }
        return out;
    }

    private List<RolloutSpec.Guard> guards(Node n, String field, Context ctx) throws ExperimentException {
        if (!(n instanceof SequenceNode seq)) {
            throw error(n, field, "expected a list of rules, e.g. [{cgroup: /batch, metric: oom_kills, "
                    + "per_node_above: 0.05}]");
        }
        List<RolloutSpec.Guard> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            String p = field + "[" + i + "].";
            Map<String, Node> g = fields(mapping(seq.getValue().get(i), p), p, GUARD_KEYS);
            String cgroup = string(g, "cgroup", p, true);
            checkCgroup(cgroup, g.get("cgroup"), p + "cgroup", ctx);
            RolloutSpec.Metric metric = choice(g, "metric", p, RolloutSpec.Metric.class);
            List<String> above = g.keySet().stream().filter(k -> k.endsWith("_above")).toList();
            if (above.size() != 1) {
                throw error(seq.getValue().get(i), p + "per_node_above", "give exactly one of per_node_above, "
                        + "p50_above, p99_above, max_above");
            }
            String key = above.get(0);
            RolloutSpec.Aggregate agg = RolloutSpec.Aggregate.valueOf(key.substring(0, key.length() - "_above".length())
                    .toUpperCase(Locale.ROOT));
            String text = scalar(g.get(key), p + key);
            double threshold;
            try {
                threshold = Units.parseSize(text);
            } catch (InvalidCommandException e) {
                try {
                    threshold = Double.parseDouble(text);
                } catch (NumberFormatException ex) {
                    threshold = -1;
                }
            }
            if (!(threshold >= 0) || Double.isInfinite(threshold)) {
                throw error(g.get(key), p + key, "expected a number (or a size such as 20M) of at least 0, got '"
                        + text + "'");
            }
            out.add(new RolloutSpec.Guard(cgroup, metric, agg, threshold));
        }
        return out;
    }

    private <E extends Enum<E>> E choice(Map<String, Node> f, String key, String p, Class<E> type)
            throws ExperimentException {
        String v = string(f, key, p, true);
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                names.add(c.name().toLowerCase(Locale.ROOT));
            }
            throw error(f.get(key), p + key, "expected one of " + String.join(", ", names) + ", got '" + v + "'");
        }
    }
}
