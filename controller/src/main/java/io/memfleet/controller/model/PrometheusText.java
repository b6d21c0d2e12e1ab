package io.memfleet.controller.model;

import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.MemInfo;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.SlabCacheSample;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentState;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Renders the fleet as Prometheus text exposition (version 0.0.4). Names follow cAdvisor
 * (container_memory_*) and node_exporter (node_memory_*, node_slabinfo_*) under a memfleet_ prefix;
 * labels are {@code node}, {@code cgroup} and {@code slab}. Per-node series are bounded: at most
 * {@code maxNodes} nodes and {@code maxCgroupsPerNode} cgroups per node (by path) are exported one
 * by one, slab series per node and root cache; everything is always in the fleet aggregates
 * (memfleet_fleet_*). Per-cgroup names without a _bytes suffix (rss, cache, swap, failcnt,
 * kernel_usage) keep cAdvisor's spelling so existing dashboards work.
 */
public final class PrometheusText {
    private PrometheusText() {
    }

    private record Metric(String name, String type, String help) { }

    private static final Metric[] CGROUP = {
        new Metric("memfleet_memory_usage_bytes", "gauge", "memory.usage_in_bytes of the cgroup"),
        new Metric("memfleet_memory_max_usage_bytes", "gauge", "memory.max_usage_in_bytes of the cgroup"),
        new Metric("memfleet_memory_working_set_bytes", "gauge", "usage minus total_inactive_file, floored at 0"),
        new Metric("memfleet_memory_rss", "gauge", "memory.stat rss in bytes"),
        new Metric("memfleet_memory_cache", "gauge", "memory.stat cache in bytes"),
        new Metric("memfleet_memory_swap", "gauge", "memory.stat swap in bytes"),
        new Metric("memfleet_memory_kernel_usage", "gauge", "memory.kmem.usage_in_bytes (kmem v2 counter)"),
        new Metric("memfleet_memory_failcnt", "counter", "memory.failcnt: times usage hit the limit"),
        new Metric("memfleet_spec_memory_limit_bytes", "gauge", "memory.limit_in_bytes"),
        new Metric("memfleet_spec_memory_swap_limit_bytes", "gauge", "memory.memsw.limit_in_bytes"),
        new Metric("memfleet_spec_memory_kmem_limit_bytes", "gauge", "memory.kmem.limit_in_bytes"),
        new Metric("memfleet_oom_events_total", "counter", "memcg OOM kills charged to the cgroup"),
    };

    public static String render(FleetState fleet, Collection<Experiment> experiments, int maxNodes,
                                int maxCgroupsPerNode) {
        StringBuilder sb = new StringBuilder(1 << 16);
        Map<String, NodeTelemetry> nodes = fleet.nodes();
        List<NodeTelemetry> exported = nodes.values().stream().limit(maxNodes).toList();
        for (int m = 0; m < CGROUP.length; m++) {
            header(sb, CGROUP[m]);
            for (NodeTelemetry t : exported) {
                List<CgroupSample> sorted = t.getCgroupsList().stream()
                        .sorted(java.util.Comparator.comparing(CgroupSample::getPath)).limit(maxCgroupsPerNode).toList();
                for (CgroupSample g : sorted) {
                    sb.append(CGROUP[m].name()).append("{node=\"").append(esc(t.getNodeId())).append("\",cgroup=\"")
                            .append(esc(g.getPath())).append("\"} ").append(value(m, g, fleet, t.getNodeId())).append('\n');
                }
            }
        }
        nodeMemory(sb, exported);
        slabinfo(sb, exported);
        fleetAggregates(sb, fleet);
        experiments(sb, experiments);
        rollouts(sb, fleet);
        return sb.toString();
    }

    private static void rollouts(StringBuilder sb, FleetState fleet) {
        header(sb, new Metric("memfleet_rollout_nodes", "gauge",
                "nodes of a configuration rollout by state (acked, failed: a write got an errno, pending)"));
        for (RolloutStatus r : fleet.rollouts().values()) {
            String id = esc(r.rollout().getRolloutId());
            for (RolloutStatus.State st : RolloutStatus.State.values()) {
                sb.append("memfleet_rollout_nodes{rollout=\"").append(id).append("\",state=\"")
                        .append(st.name().toLowerCase(java.util.Locale.ROOT)).append("\"} ").append(r.count(st)).append('\n');
            }
        }
        header(sb, new Metric("memfleet_rollout_generation", "gauge", "the generation of each configuration rollout"));
        for (RolloutStatus r : fleet.rollouts().values()) {
            sb.append("memfleet_rollout_generation{rollout=\"").append(esc(r.rollout().getRolloutId())).append("\"} ")
                    .append(r.rollout().getGeneration()).append('\n');
        }
    }

    private static String value(int m, CgroupSample g, FleetState fleet, String node) {
        long v = switch (m) {
            case 0 -> g.getUsageInBytes();
            case 1 -> g.getMaxUsageInBytes();
            case 2 -> Math.max(0, g.getUsageInBytes() - g.getTotal().getInactiveFile());
            case 3 -> g.getStat().getRss();
            case 4 -> g.getStat().getCache();
            case 5 -> g.getStat().getSwap();
            case 6 -> g.getKmemUsageInBytes();
            case 7 -> g.getFailcnt();
            case 8 -> g.getLimitInBytes();
            case 9 -> g.getMemswLimitInBytes();
            case 10 -> g.getKmemLimitInBytes();
            default -> fleet.cgroupEvents(node, g.getPath())[0];
        };
        return Long.toUnsignedString(v);
    }

    private static void nodeMemory(StringBuilder sb, List<NodeTelemetry> nodes) {
        String[] names = {"MemTotal", "MemFree", "Cached", "Slab", "SReclaimable", "SUnreclaim", "SwapTotal", "SwapFree"};
        for (int i = 0; i < names.length; i++) {
            Metric m = new Metric("memfleet_node_memory_" + names[i] + "_bytes", "gauge", "/proc/meminfo " + names[i]);
            header(sb, m);
            for (NodeTelemetry t : nodes) {
                MemInfo mi = t.getMeminfo();
                long kb = switch (i) {
                    case 0 -> mi.getMemTotalKb();
                    case 1 -> mi.getMemFreeKb();
                    case 2 -> mi.getCachedKb();
                    case 3 -> mi.getSlabKb();
                    case 4 -> mi.getSreclaimableKb();
                    case 5 -> mi.getSunreclaimKb();
                    case 6 -> mi.getSwapTotalKb();
                    default -> mi.getSwapFreeKb();
                };
                sb.append(m.name()).append("{node=\"").append(esc(t.getNodeId())).append("\"} ").append(kb * 1024).append('\n');
            }
        }
    }

    /** Per node and root cache (per-cgroup and dead caches folded in), so the slab label stays bounded. */
    private static void slabinfo(StringBuilder sb, List<NodeTelemetry> nodes) {
        Metric[] ms = {
            new Metric("memfleet_slabinfo_active_objects", "gauge", "/proc/slabinfo active_objs, per root cache"),
            new Metric("memfleet_slabinfo_objects", "gauge", "/proc/slabinfo num_objs, per root cache"),
            new Metric("memfleet_slabinfo_slabs", "gauge", "/proc/slabinfo num_slabs, per root cache"),
        };
        List<java.util.Map<String, long[]>> perNode = new java.util.ArrayList<>();
        for (NodeTelemetry t : nodes) {
            java.util.Map<String, long[]> byRoot = new java.util.TreeMap<>();
            for (SlabCacheSample c : t.getCachesList()) {
                int paren = c.getName().indexOf('(');
                long[] a = byRoot.computeIfAbsent(paren < 0 ? c.getName() : c.getName().substring(0, paren), k -> new long[3]);
                a[0] += c.getActiveObjs();
                a[1] += c.getNumObjs();
                a[2] += c.getNumSlabs();
            }
            perNode.add(byRoot);
        }
        for (int i = 0; i < ms.length; i++) {
            header(sb, ms[i]);
            for (int n = 0; n < nodes.size(); n++) {
                String node = esc(nodes.get(n).getNodeId());
                for (java.util.Map.Entry<String, long[]> e : perNode.get(n).entrySet()) {
                    sb.append(ms[i].name()).append("{node=\"").append(node).append("\",slab=\"")
                            .append(esc(e.getKey())).append("\"} ").append(e.getValue()[i]).append('\n');
                }
            }
        }
    }

    private static void experiments(StringBuilder sb, Collection<Experiment> experiments) {
        Map<ExperimentState, Long> byState = new java.util.EnumMap<>(ExperimentState.class);
        for (ExperimentState st : ExperimentState.values()) {
            if (st != ExperimentState.STATE_UNSPECIFIED && st != ExperimentState.UNRECOGNIZED) {
                byState.put(st, 0L);
            }
        }
        experiments.forEach(e -> byState.merge(e.getState(), 1L, Long::sum));
        header(sb, new Metric("memfleet_experiments", "gauge", "experiments the controller knows, by state"));
        byState.forEach((st, n) -> sb.append("memfleet_experiments{state=\"").append(st.name().toLowerCase(java.util.Locale.ROOT))
                .append("\"} ").append(n).append('\n'));
        List<Experiment> live = experiments.stream().filter(e -> !e.getState().equals(ExperimentState.DONE)
                && !e.getState().equals(ExperimentState.FAILED) && !e.getState().equals(ExperimentState.CANCELLED)).toList();
        header(sb, new Metric("memfleet_experiment_progress_ratio", "gauge",
                "simulated time the slowest node of a running experiment has reached, over its duration"));
        for (Experiment e : live) {
            double r = e.getDurationNs() <= 0 ? 0 : Math.min(1.0, (double) e.getProgress().getSimTimeNs() / e.getDurationNs());
            sb.append("memfleet_experiment_progress_ratio{experiment=\"").append(esc(e.getId())).append("\"} ").append(r)
                    .append('\n');
        }
        header(sb, new Metric("memfleet_experiment_nodes_finished", "gauge", "nodes of a running experiment that finished"));
        for (Experiment e : live) {
            sb.append("memfleet_experiment_nodes_finished{experiment=\"").append(esc(e.getId())).append("\"} ")
                    .append(e.getProgress().getNodesFinished()).append('\n');
        }
        header(sb, new Metric("memfleet_experiment_events_applied_total", "counter",
                "workload events the nodes of a running experiment have applied"));
        for (Experiment e : live) {
            sb.append("memfleet_experiment_events_applied_total{experiment=\"").append(esc(e.getId())).append("\"} ")
                    .append(e.getProgress().getEventsApplied()).append('\n');
        }
    }

    private static void fleetAggregates(StringBuilder sb, FleetState fleet) {
        header(sb, new Metric("memfleet_fleet_nodes", "gauge", "nodes that have reported telemetry"));
        sb.append("memfleet_fleet_nodes ").append(fleet.nodes().size()).append('\n');
        header(sb, new Metric("memfleet_telemetry_records_total", "counter", "telemetry records consumed"));
        sb.append("memfleet_telemetry_records_total ").append(fleet.telemetryRecords()).append('\n');
        java.util.LinkedHashMap<String, List<CgroupAggregate>> byExperiment = new java.util.LinkedHashMap<>();
        for (String e : fleet.experiments()) {
            byExperiment.put(e, fleet.cgroupAggregates(fleet.nodes(e)));
        }
        String[] stats = {"min", "p50", "p99", "max", "sum"};
        String[][] series = {
            {"memfleet_fleet_memory_usage_bytes", "usage_in_bytes over the fleet's nodes"},
            {"memfleet_fleet_memory_kernel_usage_bytes", "kmem.usage_in_bytes over the fleet's nodes"},
            {"memfleet_fleet_memory_failcnt", "failcnt over the fleet's nodes"}};
        for (int s = 0; s < series.length; s++) {
            header(sb, new Metric(series[s][0], "gauge", series[s][1] + " (stat: min, p50, p99, max, sum)"));
            for (Map.Entry<String, List<CgroupAggregate>> x : byExperiment.entrySet()) {
                for (CgroupAggregate a : x.getValue()) {
                    Stats st = s == 0 ? a.usage() : s == 1 ? a.kmemUsage() : a.failcnt();
                    long[] v = {st.min(), st.p50(), st.p99(), st.max(), st.sum()};
                    for (int k = 0; k < stats.length; k++) {
                        sb.append(series[s][0]).append(labels(x.getKey(), a.path())).append(",stat=\"").append(stats[k])
                                .append("\"} ").append(Long.toUnsignedString(v[k])).append('\n');
                    }
                }
            }
        }
        header(sb, new Metric("memfleet_fleet_oom_kills_total", "counter", "memcg OOM kills over the fleet"));
        byExperiment.forEach((e, aggs) -> aggs.forEach(a -> sb.append("memfleet_fleet_oom_kills_total")
                .append(labels(e, a.path())).append("} ").append(a.oomKills()).append('\n')));
        header(sb, new Metric("memfleet_fleet_alloc_failures_total", "counter", "allocations refused with ENOMEM"));
        byExperiment.forEach((e, aggs) -> aggs.forEach(a -> sb.append("memfleet_fleet_alloc_failures_total")
                .append(labels(e, a.path())).append("} ").append(a.allocFailures()).append('\n')));
        header(sb, new Metric("memfleet_fleet_slab_caches", "gauge", "per-cgroup slab caches (state: live, dead)"));
        byExperiment.forEach((e, aggs) -> {
            for (CgroupAggregate a : aggs) {
                sb.append("memfleet_fleet_slab_caches").append(labels(e, a.path())).append(",state=\"live\"} ")
                        .append(a.liveCaches()).append('\n');
                sb.append("memfleet_fleet_slab_caches").append(labels(e, a.path())).append(",state=\"dead\"} ")
                        .append(a.deadCaches()).append('\n');
            }
        });
        header(sb, new Metric("memfleet_fleet_slab_bytes", "gauge", "slab pages over the fleet, per root cache"));
        fleet.cacheAggregates().forEach(c -> sb.append("memfleet_fleet_slab_bytes{slab=\"").append(esc(c.name()))
                .append("\"} ").append(c.bytes()).append('\n'));
    }

    /** The label set of a fleet aggregate, without its closing brace. */
    private static String labels(String experiment, String cgroup) {
        return "{experiment=\"" + esc(experiment) + "\",cgroup=\"" + esc(cgroup) + "\"";
    }

    private static void header(StringBuilder sb, Metric m) {
        sb.append("# HELP ").append(m.name()).append(' ').append(m.help()).append('\n');
        sb.append("# TYPE ").append(m.name()).append(' ').append(m.type()).append('\n');
    }

    static String esc(String s) {
        if (s.indexOf('\\') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
