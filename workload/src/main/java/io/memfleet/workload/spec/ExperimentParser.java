package io.memfleet.workload.spec;

import io.memfleet.common.Suggestions;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.InvalidCommandException;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Units;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.Submission;
import io.memfleet.workload.trace.TraceException;
import io.memfleet.workload.trace.TraceSpec;
import io.memfleet.workload.trace.TraceStore;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads an experiment YAML file, rejecting anything invalid with the line and field at fault
 * before anything starts. Sizes take k/M/G suffixes, durations ns/us/ms/s/m/h/d.
 */
public final class ExperimentParser extends YamlFields {
    /** Steps a node may run: beyond this an experiment is a typo (step: 1ns), not a plan. */
    static final long MAX_STEPS = 10_000_000;
    /** Objects one model may allocate or free in one step. */
    static final long MAX_COUNT_PER_STEP = 1L << 24;
    private static final Set<String> SIZE_PARAMS = Set.of("size", "read_per_step", "grow_per_step", "kmalloc_size");
    private static final Set<String> POSITIVE_PARAMS = Set.of("size", "kmalloc_size", "every_steps", "lifetime_steps",
            "truncate_every_steps");
    private static final Set<String> TOP = Set.of("name", "seed", "nodes", "node", "kernel", "duration", "step",
            "telemetry_interval", "speed", "cgroups", "workloads", "variants", "rollouts");

    private ExperimentParser(String source) {
        super(source);
    }

    public static ExperimentSpec parse(String text, String source) throws ExperimentException {
        return new ExperimentParser(source).parse(new StringReader(text), List.of());
    }

    /** A submission as the controller holds it: the file, with the command line's kernel options if given. */
    public static ExperimentSpec parse(Submission s) throws ExperimentException {
        ExperimentSpec e = new ExperimentParser(s.getSource()).parse(new StringReader(s.getYaml()), s.getSetsList());
        if (s.getHasKernelOverride()) {
            try {
                KernelConfig.parse(s.getKernelOverride());
            } catch (IllegalArgumentException ex) {
                throw new ExperimentException(s.getSource(), 0, "--kernel", ex.getMessage());
            }
            e = e.withKernel(s.getKernelOverride());
        }
        if (s.getSpeedOverride() > 0) {
            e = e.withSpeed(s.getSpeedOverride());
        }
        if (!s.getVariant().isEmpty()) {
            ExperimentSpec.Variant v = e.variants().stream().filter(x -> x.name().equals(s.getVariant())).findFirst()
                    .orElseThrow(() -> new ExperimentException(s.getSource(), 0, "--variant", "no variant named '"
                            + s.getVariant() + "' in the file"));
            e = e.withVariant(v);
            if (s.getHasKernelOverride()) {
                e = e.withKernel(s.getKernelOverride());
            }
        }
        return e;
    }

    private ExperimentSpec parse(Reader r, List<String> sets) throws ExperimentException {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(r);
        } catch (YAMLException e) {
            throw new ExperimentException(source, 0, null, "not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
        for (String set : sets) {
            Overrides.apply(root, set, source);
        }
        if (!(root instanceof MappingNode top)) {
            throw error(root, "(top)", "expected a mapping of experiment fields");
        }
        Map<String, Node> f = fields(top, "", TOP);
        String name = string(f, "name", "", true);
        if (!name.matches("[a-z0-9][a-z0-9-]{0,40}")) {
            throw error(f.get("name"), "name", "use 1-41 characters of a-z, 0-9 and '-'");
        }
        long seed = number(f, "seed", "", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        int nodes = (int) number(f, "nodes", "", -1, 1, 1_000_000);
        Map<String, Node> shape = f.containsKey("node") ? fields(mapping(f.get("node"), "node"), "node.",
                Set.of("cpus", "mem", "swap")) : Map.of();
        int cpus = (int) number(shape, "cpus", "node.", 1, 1, 1024);
        long mem = size(shape, "mem", "node.", 4L << 30);
        long swap = size(shape, "swap", "node.", 0);
        String kernel = string(f, "kernel", "", false);
        try {
            KernelConfig.parse(kernel);
        } catch (IllegalArgumentException e) {
            throw error(f.get("kernel"), "kernel", e.getMessage());
        }
        long duration = duration(f, "duration", "", -1);
        long step = duration(f, "step", "", 100_000_000L);
        if (step > duration) {
            throw error(f.get("step"), "step", "longer than the duration");
        }
        if (mem < Command.MIN_NODE_BYTES || mem > Command.MAX_NODE_BYTES) {
            throw error(shape.get("mem"), "node.mem", "must be 256K to 1P");
        }
        if (duration / step > MAX_STEPS) {
            throw error(f.get("step"), "step", "duration / step is " + duration / step + " steps; at most " + MAX_STEPS
                    + " per node (a longer step, or a shorter duration)");
        }
        if (swap > Command.MAX_NODE_BYTES) {
            throw error(shape.get("swap"), "node.swap", "must be at most 1P");
        }
        long telemetry = duration(f, "telemetry_interval", "", 1_000_000_000L);
        double speed = speed(f);
        List<CgroupConfig> cgroups = new CgroupParser(source).cgroups(f.get("cgroups"), "cgroups");
        List<ExperimentSpec.Workload> workloads = workloads(f.get("workloads"), cgroups, nodes, mem);
        RolloutParser.Context ctx = new RolloutParser.Context(nodes, duration, step, telemetry, cgroups);
        List<RolloutSpec> rollouts = new RolloutParser(source).rollouts(f.get("rollouts"), "rollouts", ctx, List.of());
        return new ExperimentSpec(name, seed, nodes, cpus, mem, swap, kernel, duration, step, telemetry, speed, cgroups,
                workloads, variants(f.get("variants"), name, ctx, rollouts), rollouts);
    }

    /** {@code variants:}: the A/B matrix, each a name, kernel options and cgroup settings over the experiment's. */
    private List<ExperimentSpec.Variant> variants(Node n, String experiment, RolloutParser.Context ctx,
                                                  List<RolloutSpec> rollouts) throws ExperimentException {
        List<ExperimentSpec.Variant> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!(n instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            throw error(n, "variants", "expected a non-empty list of variants (name, kernel, cgroups)");
        }
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            String p = "variants[" + i + "].";
            Map<String, Node> v = fields(mapping(seq.getValue().get(i), p), p, Set.of("name", "kernel", "cgroups",
                    "rollouts"));
            String name = string(v, "name", p, true);
            if (!name.matches("[a-z0-9][a-z0-9-]{0,30}") || (experiment + "-" + name).length() > 60) {
                throw error(v.get("name"), p + "name", "use 1-31 characters of a-z, 0-9 and '-' (with the experiment's "
                        + "name, at most 60)");
            }
            if (!names.add(name)) {
                throw error(v.get("name"), p + "name", "a second variant named '" + name + "'");
            }
            String kernel = v.containsKey("kernel") ? string(v, "kernel", p, false) : null;
            if (kernel != null) {
                try {
                    KernelConfig.parse(kernel);
                } catch (IllegalArgumentException e) {
                    throw error(v.get("kernel"), p + "kernel", e.getMessage());
                }
            }
            if (kernel == null && !v.containsKey("cgroups") && !v.containsKey("rollouts")) {
                throw error(seq.getValue().get(i), p + "name", "variant '" + name
                        + "' changes nothing (give kernel, cgroups or rollouts)");
            }
            List<CgroupConfig> cgroups = new CgroupParser(source).cgroups(v.get("cgroups"), p + "cgroups");
            RolloutParser.Context own = new RolloutParser.Context(ctx.nodes(), ctx.durationNs(), ctx.stepNs(),
                    ctx.telemetryNs(), ExperimentSpec.overlay(ctx.cgroups(), cgroups));
            out.add(new ExperimentSpec.Variant(name, kernel, cgroups, new RolloutParser(source).rollouts(
                    v.get("rollouts"), p + "rollouts", own, rollouts)));
        }
        return out;
    }

    private List<ExperimentSpec.Workload> workloads(Node n, List<CgroupConfig> cgroups, int nodes, long memBytes)
            throws ExperimentException {
        if (!(n instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            throw error(n, "workloads", "expected a non-empty list of workload models");
        }
        List<ExperimentSpec.Workload> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            String p = "workloads[" + i + "].";
            Map<String, Node> w = fields(mapping(seq.getValue().get(i), p), p, Set.of("model", "cgroup", "tasks", "params"));
            String model = string(w, "model", p, true);
            Map<String, Long> defaults = WorkloadModels.defaults(model);
            if (defaults == null) {
                throw error(w.get("model"), p + "model", "unknown model '" + model + "'"
                        + Suggestions.didYouMean(model, WorkloadModels.MODELS) + " (models: " + WorkloadModels.NAMES + ")");
            }
            String cgroup = string(w, "cgroup", p, true);
            if (!cgroup.equals("/") && cgroups.stream().noneMatch(c -> c.getPath().equals(cgroup))) {
                throw error(w.get("cgroup"), p + "cgroup", "'" + cgroup + "' is not in the cgroups list");
            }
            int tasks = (int) number(w, "tasks", p, 1, 1, 1000);
            if (model.startsWith("trace")) { // trace, trace-churn: parameters of a file, not numbers
                out.add(model.equals("trace") ? new ExperimentSpec.Workload(model, cgroup, tasks, Map.of(),
                        trace(w.get("params"), p, nodes)) : churn(w.get("params"), p, cgroup, tasks, nodes, memBytes));
                continue;
            }
            Map<String, Long> params = new LinkedHashMap<>(defaults);
            if (w.containsKey("params")) {
                Map<String, Node> ps = fields(mapping(w.get("params"), p + "params"), p + "params.", defaults.keySet());
                for (String k : ps.keySet()) {
                    String v = scalar(ps.get(k), p + "params." + k);
                    long x;
                    try {
                        x = Units.parseSize(v);
                    } catch (InvalidCommandException e) {
                        throw error(ps.get(k), p + "params." + k, "expected a non-negative number or size, got '" + v + "'");
                    }
                    long max = SIZE_PARAMS.contains(k) ? memBytes : MAX_COUNT_PER_STEP;
                    if (x > max || (x == 0 && POSITIVE_PARAMS.contains(k))) {
                        throw error(ps.get(k), p + "params." + k, (POSITIVE_PARAMS.contains(k) ? "expected 1" : "expected 0")
                                + " to " + max + (SIZE_PARAMS.contains(k) ? " (the node's memory)" : " a step") + ", got '"
                                + v + "'");
                    }
                    params.put(k, x);
                }
            }
            out.add(new ExperimentSpec.Workload(model, cgroup, tasks, params));
        }
        return out;
    }

    /** A trace workload's parameters, and the trace itself read and checked row by row. */
    private TraceSpec trace(Node params, String p, int nodes) throws ExperimentException {
        if (params == null) {
            throw error(null, p + "params", "required for a trace: at least path");
        }
        Map<String, Node> ps = fields(mapping(params, p + "params"), p + "params.", TraceSpec.PARAMS);
        return traceSpec(ps, p, nodes, false);
    }

    /**
     * A trace-churn workload: its series of counts (read and checked like a trace) and what each
     * job does and how long it lives.
     */
    private ExperimentSpec.Workload churn(Node params, String p, String cgroup, int tasks, int nodes, long memBytes)
            throws ExperimentException {
        if (params == null) {
            throw error(null, p + "params", "required for trace-churn: at least path");
        }
        Set<String> own = Set.of("lifetime", "dentries", "kmallocs", "kmalloc_size", "anon", "scale", "max_live");
        Set<String> keys = new java.util.HashSet<>(TraceSpec.COUNT_PARAMS);
        keys.addAll(own);
        Map<String, Node> all = fields(mapping(params, p + "params"), p + "params.", keys);
        Map<String, Node> file = new LinkedHashMap<>(all);
        file.keySet().removeAll(own);
        if (all.containsKey("lifetime") && all.containsKey("lifetime_column")) {
            throw error(all.get("lifetime"), p + "params.lifetime", "give lifetime or lifetime_column, not both");
        }
        TraceSpec spec = traceSpec(file, p, nodes, true);
        String q = p + "params.";
        Map<String, Long> m = new LinkedHashMap<>(WorkloadModels.defaults("trace-churn"));
        m.put("lifetime_ns", duration(all, "lifetime", q, m.get("lifetime_ns")));
        m.put("dentries", number(all, "dentries", q, m.get("dentries"), 0, MAX_COUNT_PER_STEP));
        m.put("kmallocs", number(all, "kmallocs", q, m.get("kmallocs"), 0, MAX_COUNT_PER_STEP));
        m.put("max_live", number(all, "max_live", q, m.get("max_live"), 1, 60_000));
        long kmSize = size(all, "kmalloc_size", q, m.get("kmalloc_size"));
        long anon = size(all, "anon", q, 0);
        if (kmSize < 1 || kmSize > memBytes || anon > memBytes) {
            throw error(all.get(kmSize < 1 || kmSize > memBytes ? "kmalloc_size" : "anon"), q
                    + (kmSize < 1 || kmSize > memBytes ? "kmalloc_size" : "anon"), "expected 1 to " + memBytes
                    + " (the node's memory)");
        }
        m.put("kmalloc_size", kmSize);
        m.put("anon", anon);
        m.put("scale_ppm", scalePpm(all, q));
        return new ExperimentSpec.Workload("trace-churn", cgroup, tasks, m, spec);
    }

    private long scalePpm(Map<String, Node> f, String prefix) throws ExperimentException {
        Node n = f.get("scale");
        if (n == null) {
            return 1_000_000L;
        }
        String v = scalar(n, prefix + "scale");
        try {
            double d = Double.parseDouble(v);
            if (d >= 1e-6 && d <= 1000) {
                return Math.round(d * 1e6);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(n, prefix + "scale", "expected jobs per count from 0.000001 to 1000, got '" + v + "'");
    }

    /** The trace of a workload's file parameters, read and checked row by row (and kept for the generator). */
    private TraceSpec traceSpec(Map<String, Node> ps, String p, int nodes, boolean counts) throws ExperimentException {
        Map<String, String> text = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : ps.entrySet()) {
            text.put(e.getKey(), scalar(e.getValue(), p + "params." + e.getKey()));
        }
        Path base;
        try {
            base = Path.of(source).toAbsolutePath().getParent();
        } catch (InvalidPathException e) {
            base = null; // a source that is no path (an HTTP submission's name): relative to the working directory
        }
        TraceSpec spec;
        try {
            spec = TraceSpec.of(text, base, System.getenv(), counts);
            TraceStore.load(spec, nodes);
        } catch (TraceException e) {
            Node at = e.field() == null ? ps.get("path") : ps.getOrDefault(e.field(), ps.get("path"));
            throw error(at, p + "params." + (e.field() == null ? "path" : e.field()), e.reason());
        }
        return spec;
    }
}
