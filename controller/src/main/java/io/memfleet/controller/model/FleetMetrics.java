package io.memfleet.controller.model;

import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.MemInfo;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.SlabCacheSample;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The fleet as Prometheus metric snapshots (the client library writes the exposition). Names
 * follow cAdvisor (container_memory_*) and node_exporter (node_memory_*, node_slabinfo_*, in
 * snake_case: node_memory_mem_total_bytes) under a memfleet_ prefix; labels are {@code node}, {@code cgroup} and {@code slab}. Per-node series are
 * bounded: at most {@code maxNodes} nodes and {@code maxCgroupsPerNode} cgroups per node (by path),
 * slab series per node and root cache; every node is always in the fleet aggregates
 * (memfleet_fleet_*). With {@code cadvisor} the per-cgroup series are also offered under cAdvisor's
 * own names and its {@code id} label, so existing cAdvisor dashboards work unchanged. failcnt is
 * typed gauge so that it keeps cAdvisor's name (a counter would gain {@code _total}).
 */
public final class FleetMetrics {
    /** How much per-node detail to export. */
    public record Options(int maxNodes, int maxCgroupsPerNode, boolean cadvisor) {
        public Options {
            if (maxNodes < 0 || maxCgroupsPerNode < 0) {
                throw new IllegalArgumentException("metric bounds must not be negative");
            }
        }
    }

    private record CgroupMetric(String name, boolean counter, String help, ToLongFunction<CgroupSample> value) { }

    private static final List<CgroupMetric> CGROUP = List.of(
        new CgroupMetric("memory_usage_bytes", false, "memory.usage_in_bytes of the cgroup", CgroupSample::getUsageInBytes),
        new CgroupMetric("memory_max_usage_bytes", false, "memory.max_usage_in_bytes of the cgroup",
                CgroupSample::getMaxUsageInBytes),
        new CgroupMetric("memory_working_set_bytes", false, "usage minus total_inactive_file, floored at 0",
                g -> Math.max(0, g.getUsageInBytes() - g.getTotal().getInactiveFile())),
        new CgroupMetric("memory_rss", false, "memory.stat rss in bytes", g -> g.getStat().getRss()),
        new CgroupMetric("memory_cache", false, "memory.stat cache in bytes", g -> g.getStat().getCache()),
        new CgroupMetric("memory_swap", false, "memory.stat swap in bytes", g -> g.getStat().getSwap()),
        new CgroupMetric("memory_kernel_usage", false, "memory.kmem.usage_in_bytes (kmem v2 counter)",
                CgroupSample::getKmemUsageInBytes),
        new CgroupMetric("memory_failcnt", false, "memory.failcnt: times usage hit the limit", CgroupSample::getFailcnt),
        new CgroupMetric("spec_memory_limit_bytes", false, "memory.limit_in_bytes", CgroupSample::getLimitInBytes),
        new CgroupMetric("spec_memory_swap_limit_bytes", false, "memory.memsw.limit_in_bytes",
                CgroupSample::getMemswLimitInBytes),
        new CgroupMetric("spec_memory_kmem_limit_bytes", false, "memory.kmem.limit_in_bytes",
                CgroupSample::getKmemLimitInBytes));

    private FleetMetrics() {
    }

    public static MetricSnapshots snapshot(FleetState fleet, Collection<Experiment> experiments, Options options) {
        List<NodeTelemetry> exported = fleet.nodes().values().stream().limit(options.maxNodes()).toList();
        List<MetricFamily> out = new ArrayList<>();
        cgroups(out, fleet, exported, options, "memfleet_", "cgroup");
        if (options.cadvisor()) {
            cgroups(out, fleet, exported, options, "container_", "id");
        }
        nodeMemory(out, exported);
        slabinfo(out, exported);
        fleetAggregates(out, fleet);
        experiments(out, experiments);
        rollouts(out, fleet);
        return new MetricSnapshots(out.stream().map(MetricFamily::snapshot).toList());
    }

    private static void cgroups(List<MetricFamily> out, FleetState fleet, List<NodeTelemetry> nodes, Options options,
                                String prefix, String cgroupLabel) {
        List<MetricFamily> families = new ArrayList<>();
        for (CgroupMetric m : CGROUP) {
            families.add(m.counter() ? MetricFamily.counter(prefix + m.name(), m.help())
                    : MetricFamily.gauge(prefix + m.name(), m.help()));
        }
        MetricFamily oom = MetricFamily.counter(prefix + "oom_events", "memcg OOM kills charged to the cgroup");
        for (NodeTelemetry t : nodes) {
            List<CgroupSample> sorted = t.getCgroupsList().stream().sorted(Comparator.comparing(CgroupSample::getPath))
                    .limit(options.maxCgroupsPerNode()).toList();
            for (CgroupSample g : sorted) {
                for (int m = 0; m < CGROUP.size(); m++) {
                    families.get(m).add(MetricFamily.unsigned(CGROUP.get(m).value().applyAsLong(g)),
                            "node", t.getNodeId(), cgroupLabel, g.getPath());
                }
                oom.add(fleet.cgroupEvents(t.getNodeId(), g.getPath())[0], "node", t.getNodeId(), cgroupLabel, g.getPath());
            }
        }
        out.addAll(families);
        out.add(oom);
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

    private static void fleetAggregates(List<MetricFamily> out, FleetState fleet) {
        out.add(MetricFamily.gauge("memfleet_fleet_nodes", "nodes that have reported telemetry").add(fleet.nodes().size()));
        out.add(MetricFamily.counter("memfleet_telemetry_records", "telemetry records consumed").add(fleet.telemetryRecords()));
        Map<String, List<CgroupAggregate>> byExperiment = new LinkedHashMap<>();
        for (String e : fleet.experiments()) {
            byExperiment.put(e, fleet.cgroupAggregates(fleet.nodes(e)));
        }
        MetricFamily usage = MetricFamily.gauge("memfleet_fleet_memory_usage_bytes",
                "usage_in_bytes over the fleet's nodes (stat: min, p50, p99, max, sum)");
        MetricFamily kmem = MetricFamily.gauge("memfleet_fleet_memory_kernel_usage_bytes",
                "kmem.usage_in_bytes over the fleet's nodes (stat: min, p50, p99, max, sum)");
        MetricFamily failcnt = MetricFamily.gauge("memfleet_fleet_memory_failcnt",
                "failcnt over the fleet's nodes (stat: min, p50, p99, max, sum)");
        MetricFamily oom = MetricFamily.counter("memfleet_fleet_oom_kills", "memcg OOM kills over the fleet");
        MetricFamily failures = MetricFamily.counter("memfleet_fleet_alloc_failures", "allocations refused with ENOMEM");
        MetricFamily caches = MetricFamily.gauge("memfleet_fleet_slab_caches", "per-cgroup slab caches (state: live, dead)");
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
        dying(out, fleet);
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
    private static void dying(List<MetricFamily> out, FleetState fleet) {
        MetricFamily dying = MetricFamily.gauge("memfleet_fleet_dying_memcgs",
                "memory cgroups removed but still referenced, per node over the fleet's nodes (stat: min, p50, p99, max, sum)");
        MetricFamily css = MetricFamily.gauge("memfleet_fleet_css_ids",
                "memory css ids in use (the root, live and dying groups), per node over the fleet's nodes (stat: min, p50, p99, max, sum)");
        MetricFamily pinned = MetricFamily.gauge("memfleet_fleet_pinned_kmem_bytes",
                "slab pages held by dead caches, per node over the fleet's nodes (stat: min, p50, p99, max, sum)");
        MetricFamily enospc = MetricFamily.counter("memfleet_fleet_mkdir_enospc",
                "mkdirs refused with ENOSPC (every css id held) over the fleet");
        for (String e : fleet.experiments()) {
            DyingAggregate d = DyingAggregate.of(fleet.nodes(e));
            stats(dying, d.dyingMemcgs(), "experiment", e);
            stats(css, d.cssIds(), "experiment", e);
            stats(pinned, d.pinnedKmemBytes(), "experiment", e);
            enospc.add(d.mkdirEnospc(), "experiment", e);
        }
        out.addAll(List.of(dying, css, pinned, enospc));
    }

    private static boolean live(Experiment e) {
        ExperimentState s = e.getState();
        return s != ExperimentState.DONE && s != ExperimentState.FAILED && s != ExperimentState.CANCELLED;
    }

    private static void experiments(List<MetricFamily> out, Collection<Experiment> experiments) {
        Map<ExperimentState, Long> byState = new EnumMap<>(ExperimentState.class);
        for (ExperimentState st : ExperimentState.values()) {
            if (st != ExperimentState.STATE_UNSPECIFIED && st != ExperimentState.UNRECOGNIZED) {
                byState.put(st, 0L);
            }
        }
        experiments.forEach(e -> byState.merge(e.getState(), 1L, Long::sum));
        MetricFamily states = MetricFamily.gauge("memfleet_experiments", "experiments the controller knows, by state");
        byState.forEach((st, n) -> states.add(n, "state", st.name().toLowerCase(Locale.ROOT)));
        MetricFamily progress = MetricFamily.gauge("memfleet_experiment_progress_ratio",
                "simulated time the slowest node of a running experiment has reached, over its duration");
        MetricFamily finished = MetricFamily.gauge("memfleet_experiment_nodes_finished",
                "nodes of a running experiment that finished");
        MetricFamily applied = MetricFamily.counter("memfleet_experiment_events_applied",
                "workload events the nodes of a running experiment have applied");
        for (Experiment e : experiments) {
            if (!live(e)) {
                continue;
            }
            double r = e.getDurationNs() <= 0 ? 0 : Math.min(1.0, (double) e.getProgress().getSimTimeNs() / e.getDurationNs());
            progress.add(r, "experiment", e.getId());
            finished.add(e.getProgress().getNodesFinished(), "experiment", e.getId());
            applied.add(e.getProgress().getEventsApplied(), "experiment", e.getId());
        }
        out.addAll(List.of(states, progress, finished, applied));
    }

    private static void rollouts(List<MetricFamily> out, FleetState fleet) {
        MetricFamily nodes = MetricFamily.gauge("memfleet_rollout_nodes",
                "nodes of a configuration rollout by state (acked, failed: a write got an errno, pending)");
        MetricFamily generation = MetricFamily.gauge("memfleet_rollout_generation",
                "the generation of each configuration rollout");
        for (RolloutStatus r : fleet.rollouts().values()) {
            String id = r.rollout().getRolloutId();
            for (RolloutStatus.State st : RolloutStatus.State.values()) {
                nodes.add(r.count(st), "rollout", id, "state", st.name().toLowerCase(Locale.ROOT));
            }
            generation.add(r.rollout().getGeneration(), "rollout", id);
        }
        out.add(nodes);
        out.add(generation);
    }
}
