package io.memfleet.controller.model;

import io.memfleet.common.CgroupFold;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.MemInfo;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.SlabCacheSample;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The fleet as Prometheus metric snapshots (the client library writes the exposition). Names
 * follow cAdvisor (container_memory_*) and node_exporter (node_memory_*, node_slabinfo_*, in
 * snake_case: node_memory_mem_total_bytes) under a memfleet_ prefix; labels are {@code node}, {@code cgroup} and {@code slab}. Per-node series are
 * bounded: at most {@code maxNodes} nodes and {@code maxCgroupsPerNode} cgroups per node (by path),
 * slab series per node and root cache; every node is always in the fleet aggregates
 * (memfleet_fleet_*). With {@code cadvisor} the per-cgroup series are also offered under cAdvisor's
 * own names and its {@code id} label, so existing cAdvisor dashboards work unchanged. failcnt is
 * typed gauge so that it keeps cAdvisor's name (a counter would gain {@code _total}). An unlimited
 * limit is 0, as cAdvisor exposes it. Unless {@code exactCgroups}, an experiment's cgroups that its
 * file does not declare (a workload's transient {@code /jobs/job14}) fold into their declared
 * parent's pattern ({@code /jobs/*}), so labels stay few. An ended experiment's fleet aggregates and
 * progress stay for {@code keepFinishedMs} (see {@link RetainedExperiments}).
 */
public final class FleetMetrics {
    /** How much per-node detail to export. */
    public record Options(int maxNodes, int maxCgroupsPerNode, boolean cadvisor, boolean exactCgroups,
                          long keepFinishedMs) {
        /** How long an ended experiment's final series stay by default: an hour. */
        public static final long DEFAULT_KEEP_FINISHED_MS = 3_600_000L;

        public Options {
            if (maxNodes < 0 || maxCgroupsPerNode < 0 || keepFinishedMs < 0) {
                throw new IllegalArgumentException("metric bounds and the retention time must not be negative");
            }
        }

        /** Transient cgroups folded, ended experiments kept for an hour. */
        public Options(int maxNodes, int maxCgroupsPerNode, boolean cadvisor) {
            this(maxNodes, maxCgroupsPerNode, cadvisor, false, DEFAULT_KEEP_FINISHED_MS);
        }
    }

    private FleetMetrics() {
    }

    public static MetricSnapshots snapshot(FleetState fleet, Collection<Experiment> experiments, Options options) {
        return snapshot(fleet, List.of(), experiments, e -> CgroupFold.none(), options);
    }

    /**
     * The fleet's series: per-node series of the nodes reporting, fleet aggregates of theirs and of
     * the ended experiments still kept ({@code finished}); {@code folds} gives each experiment's
     * fold of transient cgroups (unless the options ask for exact cgroups).
     */
    public static MetricSnapshots snapshot(FleetState fleet, Collection<FleetState> finished,
                                           Collection<Experiment> experiments, Function<String, CgroupFold> folds,
                                           Options options) {
        Function<String, CgroupFold> fold = options.exactCgroups() ? e -> CgroupFold.none() : folds;
        List<NodeTelemetry> exported = fleet.nodes().values().stream().limit(options.maxNodes()).toList();
        List<MetricFamily> out = new ArrayList<>();
        CgroupMetrics.write(out, fleet, exported, options, fold, "memfleet_", "cgroup");
        if (options.cadvisor()) {
            CgroupMetrics.write(out, fleet, exported, options, fold, "container_", "id");
        }
        nodeMemory(out, exported);
        slabinfo(out, exported);
        List<FleetState> fleets = new ArrayList<>(finished);
        fleets.add(0, fleet);
        fleetAggregates(out, fleet, fleets, fold);
        Set<String> kept = new HashSet<>();
        finished.forEach(f -> kept.addAll(f.experiments()));
        experiments(out, experiments, kept);
        rollouts(out, fleet);
        return new MetricSnapshots(out.stream().map(MetricFamily::snapshot).toList());
    }

    private static void nodeMemory(List<MetricFamily> out, List<NodeTelemetry> nodes) {
        Map<String, ToLongFunction<MemInfo>> fields = new LinkedHashMap<>();
        fields.put("MemTotal", MemInfo::getMemTotalKb);
        fields.put("MemFree", MemInfo::getMemFreeKb);
        fields.put("Cached", MemInfo::getCachedKb);
        fields.put("Slab", MemInfo::getSlabKb);
        fields.put("SReclaimable", MemInfo::getSreclaimableKb);
        fields.put("SUnreclaim", MemInfo::getSunreclaimKb);
        fields.put("SwapTotal", MemInfo::getSwapTotalKb);
        fields.put("SwapFree", MemInfo::getSwapFreeKb);
        fields.forEach((field, kb) -> {
            MetricFamily f = MetricFamily.gauge("memfleet_node_memory_" + snakeCase(field) + "_bytes",
                    "/proc/meminfo " + field);
            for (NodeTelemetry t : nodes) {
                f.add(kb.applyAsLong(t.getMeminfo()) * 1024.0, "node", t.getNodeId());
            }
            out.add(f);
        });
    }

    /** MemTotal to mem_total, SReclaimable to sreclaimable: the snake_case promtool asks for. */
    static String snakeCase(String meminfoField) {
        return meminfoField.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** Per node and root cache (per-cgroup and dead caches folded in), so the slab label stays bounded. */
    private static void slabinfo(List<MetricFamily> out, List<NodeTelemetry> nodes) {
        MetricFamily active = MetricFamily.gauge("memfleet_slabinfo_active_objects", "/proc/slabinfo active_objs, per root cache");
        MetricFamily objects = MetricFamily.gauge("memfleet_slabinfo_objects", "/proc/slabinfo num_objs, per root cache");
        MetricFamily slabs = MetricFamily.gauge("memfleet_slabinfo_slabs", "/proc/slabinfo num_slabs, per root cache");
        for (NodeTelemetry t : nodes) {
            Map<String, long[]> byRoot = new TreeMap<>();
            for (SlabCacheSample c : t.getCachesList()) {
                long[] a = byRoot.computeIfAbsent(FleetState.rootName(c.getName()), k -> new long[3]);
                a[0] += c.getActiveObjs();
                a[1] += c.getNumObjs();
                a[2] += c.getNumSlabs();
            }
            byRoot.forEach((slab, a) -> {
                active.add(a[0], "node", t.getNodeId(), "slab", slab);
                objects.add(a[1], "node", t.getNodeId(), "slab", slab);
                slabs.add(a[2], "node", t.getNodeId(), "slab", slab);
            });
        }
        out.add(active);
        out.add(objects);
        out.add(slabs);
    }

    private static void fleetAggregates(List<MetricFamily> out, FleetState fleet, List<FleetState> fleets,
                                        Function<String, CgroupFold> folds) {
        out.add(MetricFamily.gauge("memfleet_fleet_nodes", "nodes that have reported telemetry").add(fleet.nodes().size()));
        out.add(MetricFamily.counter("memfleet_telemetry_records", "telemetry records consumed").add(fleet.telemetryRecords()));
        Map<String, List<CgroupAggregate>> byExperiment = new LinkedHashMap<>();
        for (FleetState f : fleets) {
            for (String e : f.experiments()) {
                byExperiment.put(e, f.cgroupAggregates(f.nodes(e), e.isEmpty() ? CgroupFold.none() : folds.apply(e)));
            }
        }
        String row = "; a pattern row (/jobs/*) sums each node's cgroups of the pattern first";
        MetricFamily usage = MetricFamily.gauge("memfleet_fleet_memory_usage_bytes",
                "usage_in_bytes over the fleet's nodes (stat: min, p50, p99, max, sum)" + row);
        MetricFamily kmem = MetricFamily.gauge("memfleet_fleet_memory_kernel_usage_bytes",
                "kmem.usage_in_bytes over the fleet's nodes (stat: min, p50, p99, max, sum)" + row);
        MetricFamily failcnt = MetricFamily.gauge("memfleet_fleet_memory_failcnt",
                "failcnt over the fleet's nodes (stat: min, p50, p99, max, sum)" + row);
        MetricFamily oom = MetricFamily.counter("memfleet_fleet_oom_kills", "memcg OOM kills over the fleet" + row);
        MetricFamily failures = MetricFamily.counter("memfleet_fleet_alloc_failures", "allocations refused with ENOMEM"
                + row);
        MetricFamily caches = MetricFamily.gauge("memfleet_fleet_slab_caches", "per-cgroup slab caches (state: live, dead)"
                + row);
        byExperiment.forEach((e, aggs) -> {
            for (CgroupAggregate a : aggs) {
                stats(usage, a.usage(), "experiment", e, "cgroup", a.path());
                stats(kmem, a.kmemUsage(), "experiment", e, "cgroup", a.path());
                stats(failcnt, a.failcnt(), "experiment", e, "cgroup", a.path());
                oom.add(a.oomKills(), "experiment", e, "cgroup", a.path());
                failures.add(a.allocFailures(), "experiment", e, "cgroup", a.path());
                caches.add(a.liveCaches(), "experiment", e, "cgroup", a.path(), "state", "live");
                caches.add(a.deadCaches(), "experiment", e, "cgroup", a.path(), "state", "dead");
            }
        });
        MetricFamily bytes = MetricFamily.gauge("memfleet_fleet_slab_bytes", "slab pages over the fleet, per root cache");
        fleet.cacheAggregates().forEach(c -> bytes.add(c.bytes(), "slab", c.name()));
        out.addAll(List.of(usage, kmem, failcnt, oom, failures, caches, bytes));
        dying(out, fleets);
    }

    private static final String[] STATS = {"min", "p50", "p99", "max", "sum"};

    /** One sample per statistic (min, p50, p99, max, sum), labelled {@code stat} after the given labels. */
    private static void stats(MetricFamily f, Stats st, String... labels) {
        long[] v = {st.min(), st.p50(), st.p99(), st.max(), st.sum()};
        String[] l = java.util.Arrays.copyOf(labels, labels.length + 2);
        l[labels.length] = "stat";
        for (int k = 0; k < STATS.length; k++) {
            l[labels.length + 1] = STATS[k];
            f.add(MetricFamily.unsigned(v[k]), l);
        }
    }

    /** Dying groups, css ids and pinned kmem over each experiment's nodes, and its mkdirs refused with ENOSPC. */
    private static void dying(List<MetricFamily> out, List<FleetState> fleets) {
        MetricFamily dying = MetricFamily.gauge("memfleet_fleet_dying_memcgs",
                "memory cgroups removed but still referenced, per node over the fleet's nodes (stat: min, p50, p99, max, sum)");
        MetricFamily css = MetricFamily.gauge("memfleet_fleet_css_ids",
                "memory css ids in use (the root, live and dying groups), per node over the fleet's nodes (stat: min, p50, p99, max, sum)");
        MetricFamily pinned = MetricFamily.gauge("memfleet_fleet_pinned_kmem_bytes",
                "slab pages held by dead caches, per node over the fleet's nodes (stat: min, p50, p99, max, sum)");
        MetricFamily enospc = MetricFamily.counter("memfleet_fleet_mkdir_enospc",
                "mkdirs refused with ENOSPC (every css id held) over the fleet");
        for (FleetState fleet : fleets) {
            for (String e : fleet.experiments()) {
                DyingAggregate d = DyingAggregate.of(fleet.nodes(e));
                stats(dying, d.dyingMemcgs(), "experiment", e);
                stats(css, d.cssIds(), "experiment", e);
                stats(pinned, d.pinnedKmemBytes(), "experiment", e);
                enospc.add(d.mkdirEnospc(), "experiment", e);
            }
        }
        out.addAll(List.of(dying, css, pinned, enospc));
    }

    private static boolean live(Experiment e) {
        ExperimentState s = e.getState();
        return s != ExperimentState.DONE && s != ExperimentState.FAILED && s != ExperimentState.CANCELLED;
    }

    private static void experiments(List<MetricFamily> out, Collection<Experiment> experiments, Set<String> kept) {
        Map<ExperimentState, Long> byState = new EnumMap<>(ExperimentState.class);
        for (ExperimentState st : ExperimentState.values()) {
            if (st != ExperimentState.STATE_UNSPECIFIED && st != ExperimentState.UNRECOGNIZED) {
                byState.put(st, 0L);
            }
        }
        experiments.forEach(e -> byState.merge(e.getState(), 1L, Long::sum));
        MetricFamily states = MetricFamily.gauge("memfleet_experiments", "experiments the controller knows, by state");
        byState.forEach((st, n) -> states.add(n, "state", st.name().toLowerCase(Locale.ROOT)));
        String ended = " (an ended one's final figures stay for --keep-finished)";
        MetricFamily progress = MetricFamily.gauge("memfleet_experiment_progress_ratio",
                "simulated time the slowest node of an experiment has reached, over its duration" + ended);
        MetricFamily finished = MetricFamily.gauge("memfleet_experiment_nodes_finished",
                "nodes of an experiment that finished" + ended);
        MetricFamily applied = MetricFamily.counter("memfleet_experiment_events_applied",
                "workload events the nodes of an experiment have applied" + ended);
        for (Experiment e : experiments) {
            if (!live(e) && !kept.contains(e.getId())) {
                continue;
            }
            boolean done = e.getState() == ExperimentState.DONE;
            double r = done ? 1.0 : e.getDurationNs() <= 0 ? 0
                    : Math.min(1.0, (double) e.getProgress().getSimTimeNs() / e.getDurationNs());
            progress.add(r, "experiment", e.getId());
            finished.add(done ? Math.max(e.getNodes(), e.getProgress().getNodesFinished())
                    : e.getProgress().getNodesFinished(), "experiment", e.getId());
            applied.add(e.getProgress().getEventsApplied(), "experiment", e.getId());
        }
        out.addAll(List.of(states, progress, finished, applied));
    }

    private static void rollouts(List<MetricFamily> out, FleetState fleet) {
        MetricFamily nodes = MetricFamily.gauge("memfleet_rollout_nodes",
                "nodes of a configuration rollout by state (acked, failed: a write got an errno, pending)");
        MetricFamily generation = MetricFamily.gauge("memfleet_rollout_generation",
                "which generation of its rollout id each configuration rollout is: 1, 2, 3, ...");
        for (RolloutStatus r : fleet.rollouts().values()) {
            String id = r.rollout().getRolloutId();
            for (RolloutStatus.State st : RolloutStatus.State.values()) {
                nodes.add(r.count(st), "rollout", id, "state", st.name().toLowerCase(Locale.ROOT));
            }
            generation.add(Math.max(1, r.rollout().getRevision()), "rollout", id);
        }
        out.add(nodes);
        out.add(generation);
    }
}
