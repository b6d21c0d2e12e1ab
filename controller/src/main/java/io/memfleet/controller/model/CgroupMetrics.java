package io.memfleet.controller.model;

import io.memfleet.common.CgroupFold;
import io.memfleet.protocol.NodeIds;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.NodeTelemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The per-node cgroup series of /metrics ({@code memfleet_memory_usage_bytes{node,cgroup}} and
 * the rest, under cAdvisor's names too when asked): one series per node and row, a row being a
 * declared cgroup or the pattern its transient children fold into ({@code /jobs/*}). A row of
 * several cgroups sums their usage-like values and takes the largest of their max-like ones (the
 * peak usage and the limits), as each family's HELP says. An unlimited limit is 0, as cAdvisor
 * exposes it.
 */
final class CgroupMetrics {
    /**
     * What cAdvisor takes for "unlimited": a limit above 2^62 (the kernel's RESOURCE_MAX, 2^63 - 1,
     * rounded down to a page, is above it). cAdvisor: metrics/prometheus.go, maxMemorySize and
     * specMemoryValue(), which expose such a limit as 0.
     */
    static final long UNLIMITED_ABOVE = 1L << 62;

    private record CgroupMetric(String name, boolean max, String help, ToLongFunction<CgroupSample> value) { }

    private static final List<CgroupMetric> CGROUP = List.of(
        new CgroupMetric("memory_usage_bytes", false, "memory.usage_in_bytes of the cgroup", CgroupSample::getUsageInBytes),
        new CgroupMetric("memory_max_usage_bytes", true, "memory.max_usage_in_bytes of the cgroup",
                CgroupSample::getMaxUsageInBytes),
        new CgroupMetric("memory_working_set_bytes", false, "usage minus total_inactive_file, floored at 0",
                g -> Math.max(0, g.getUsageInBytes() - g.getTotal().getInactiveFile())),
        new CgroupMetric("memory_rss", false, "memory.stat rss in bytes", g -> g.getStat().getRss()),
        new CgroupMetric("memory_cache", false, "memory.stat cache in bytes", g -> g.getStat().getCache()),
        new CgroupMetric("memory_swap", false, "memory.stat swap in bytes", g -> g.getStat().getSwap()),
        new CgroupMetric("memory_kernel_usage", false, "memory.kmem.usage_in_bytes (kmem v2 counter)",
                CgroupSample::getKmemUsageInBytes),
        new CgroupMetric("memory_failcnt", false, "memory.failcnt: times usage hit the limit", CgroupSample::getFailcnt),
        new CgroupMetric("spec_memory_limit_bytes", true, "memory.limit_in_bytes, 0 when unlimited (as cAdvisor)",
                CgroupSample::getLimitInBytes),
        new CgroupMetric("spec_memory_swap_limit_bytes", true, "memory.memsw.limit_in_bytes, 0 when unlimited (as cAdvisor)",
                CgroupSample::getMemswLimitInBytes),
        new CgroupMetric("spec_memory_kmem_limit_bytes", true, "memory.kmem.limit_in_bytes, 0 when unlimited (as cAdvisor)",
                CgroupSample::getKmemLimitInBytes));

    private static final String FOLDED = "; a pattern row (/jobs/*) has the %s over its cgroups";

    private CgroupMetrics() {
    }

    /** A limit as cAdvisor exposes it: 0 for unlimited. */
    static long specMemory(long limit) {
        return limit < 0 || limit > UNLIMITED_ABOVE ? 0 : limit;
    }

    static void write(List<MetricFamily> out, FleetState fleet, List<NodeTelemetry> nodes, FleetMetrics.Options options,
                      Function<String, CgroupFold> folds, String prefix, String cgroupLabel) {
        List<MetricFamily> families = new ArrayList<>();
        for (CgroupMetric m : CGROUP) {
            families.add(MetricFamily.gauge(prefix + m.name(), m.help() + String.format(FOLDED, m.max() ? "largest" : "sum")));
        }
        MetricFamily oom = MetricFamily.counter(prefix + "oom_events", "memcg OOM kills charged to the cgroup"
                + String.format(FOLDED, "sum"));
        for (NodeTelemetry t : nodes) {
            String experiment = NodeIds.experimentOf(t.getNodeId());
            CgroupFold fold = experiment == null || options.exactCgroups() ? CgroupFold.none() : folds.apply(experiment);
            Map<String, List<CgroupSample>> rows = new TreeMap<>();
            for (CgroupSample g : t.getCgroupsList()) {
                rows.computeIfAbsent(fold.fold(g.getPath()), k -> new ArrayList<>()).add(g);
            }
            rows.entrySet().stream().limit(options.maxCgroupsPerNode()).forEach(row -> {
                for (int m = 0; m < CGROUP.size(); m++) {
                    families.get(m).add(MetricFamily.unsigned(combine(CGROUP.get(m), row.getValue())),
                            "node", t.getNodeId(), cgroupLabel, row.getKey());
                }
                long kills = 0;
                for (CgroupSample g : row.getValue()) {
                    kills += fleet.cgroupOomKills(t.getNodeId(), g.getPath());
                }
                oom.add(kills, "node", t.getNodeId(), cgroupLabel, row.getKey());
            });
        }
        out.addAll(families);
        out.add(oom);
    }

    private static long combine(CgroupMetric m, List<CgroupSample> samples) {
        long v = 0;
        for (CgroupSample g : samples) {
            long x = m.value().applyAsLong(g);
            v = m.max() ? (Long.compareUnsigned(x, v) > 0 ? x : v) : v + x;
        }
        return m.name().startsWith("spec_") ? specMemory(v) : v;
    }
}
