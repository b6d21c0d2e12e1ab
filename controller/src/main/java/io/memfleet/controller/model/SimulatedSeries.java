package io.memfleet.controller.model;

import io.memfleet.proto.v1.SeriesPoint;
import io.memfleet.proto.v1.StatSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An experiment's series in simulated time as Prometheus series: the one naming that
 * {@code export openmetrics} (from a results directory's series.csv and slabs.csv) and the remote
 * write (from the controller's series points) share. A results column ({@code usage_max},
 * {@code oom_kills}, ...) goes to a family of the /metrics fleet aggregates
 * ({@code memfleet_fleet_memory_usage_bytes{stat="max"}}, {@code memfleet_fleet_oom_kills_total})
 * with the labels {@code experiment}, {@code cgroup} (or {@code slab}) and the column's own. The
 * node totals of the root's rows carry no cgroup, as on /metrics. A counter column holds each
 * interval's events; its series is their running total.
 */
public final class SimulatedSeries {
    /** Where a column goes: its family, its own labels (name, value pairs), whether only the root's rows hold it. */
    public record Target(Family family, List<String> labels, boolean rootOnly) { }

    /** A family: its name (a counter's without {@code _total}), type and help. */
    public record Family(String name, boolean counter, String help) {
        /** The name of its samples: a counter's ends with {@code _total}. */
        public String sampleName() {
            return counter ? name + "_total" : name;
        }
    }

    /** The root cgroup, whose rows hold the node totals. */
    public static final String ROOT = "/";
    private static final Pattern STAT = Pattern.compile("(.+)_(min|p50|p99|max|sum)");
    private static final String PREFIX = "memfleet_fleet_";
    private static final Map<String, Family> KNOWN = new LinkedHashMap<>();

    static {
        String stats = " (stat: min, p50, p99, max, sum)";
        known("memory_usage_bytes", false, "usage_in_bytes over the fleet's nodes" + stats);
        known("memory_kernel_usage_bytes", false, "kmem.usage_in_bytes over the fleet's nodes" + stats);
        known("memory_failcnt", false, "failcnt over the fleet's nodes" + stats);
        known("oom_kills", true, "memcg OOM kills over the fleet");
        known("alloc_failures", true, "allocations refused with ENOMEM");
        known("mkdir_enospc", true, "mkdirs refused with ENOSPC (every css id held) over the fleet");
        known("slab_caches", false, "per-cgroup slab caches (state: live, dead)");
        known("cgroup_nodes", false, "nodes that have the cgroup");
        known("cgroup_dying_memcgs", false, "dying groups under the cgroup, per node" + stats);
        known("dying_memcgs", false, "memory cgroups removed but still referenced, per node" + stats);
        known("css_ids", false, "memory css ids in use, per node" + stats);
        known("pinned_kmem_bytes", false, "slab pages held by dead caches, per node" + stats);
        known("slab_bytes", false, "slab pages over the fleet, per root cache");
    }

    private SimulatedSeries() {
    }

    private static void known(String name, boolean counter, String help) {
        KNOWN.put(PREFIX + name, new Family(PREFIX + name, counter, help));
    }

    private static Family family(String name) {
        return KNOWN.getOrDefault(PREFIX + name, new Family(PREFIX + name, false, name.replace('_', ' ')
                + " over the fleet (results column)"));
    }

    /** Where a column of series.csv goes. */
    public static Target cgroupColumn(String column) {
        Matcher m = STAT.matcher(column);
        if (m.matches()) {
            String base = m.group(1);
            List<String> stat = List.of("stat", m.group(2));
            return switch (base) {
                case "usage" -> new Target(family("memory_usage_bytes"), stat, false);
                case "kmem" -> new Target(family("memory_kernel_usage_bytes"), stat, false);
                case "failcnt" -> new Target(family("memory_failcnt"), stat, false);
                case "dying" -> new Target(family("cgroup_dying_memcgs"), stat, false);
                case "dying_memcgs", "css_ids", "pinned_kmem_bytes" -> new Target(family(base), stat, true);
                default -> new Target(family(base), stat, false);
            };
        }
        return switch (column) {
            case "nodes" -> new Target(family("cgroup_nodes"), List.of(), false);
            case "live_caches" -> new Target(family("slab_caches"), List.of("state", "live"), false);
            case "dead_caches" -> new Target(family("slab_caches"), List.of("state", "dead"), false);
            case "mkdir_enospc" -> new Target(family("mkdir_enospc"), List.of(), true);
            default -> new Target(family(column), List.of(), false);
        };
    }

    /** Where a column of slabs.csv goes. */
    public static Target slabColumn(String column) {
        return new Target(family(column.equals("bytes") ? "slab_bytes" : "slabinfo_" + column), List.of(), false);
    }

    /** A cgroup point's values by series.csv column (the same names, the same order). */
    public static Map<String, Long> cgroupColumns(SeriesPoint p) {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("nodes", (long) p.getNodes());
        stats(out, "usage", p.getUsageInBytes());
        stats(out, "kmem", p.getKmemUsageInBytes());
        stats(out, "failcnt", p.getFailcnt());
        out.put("oom_kills", p.getOomKills());
        out.put("alloc_failures", p.getAllocFailures());
        out.put("live_caches", p.getLiveCaches());
        out.put("dead_caches", p.getDeadCaches());
        out.put("dying_p50", p.getDying().getP50());
        out.put("dying_max", p.getDying().getMax());
        out.put("dying_sum", p.getDying().getSum());
        out.put("dying_memcgs_p50", p.getDyingMemcgs().getP50());
        out.put("dying_memcgs_p99", p.getDyingMemcgs().getP99());
        out.put("dying_memcgs_max", p.getDyingMemcgs().getMax());
        out.put("css_ids_p50", p.getCssIds().getP50());
        out.put("css_ids_p99", p.getCssIds().getP99());
        out.put("css_ids_max", p.getCssIds().getMax());
        out.put("pinned_kmem_bytes_p50", p.getPinnedKmemBytes().getP50());
        out.put("pinned_kmem_bytes_max", p.getPinnedKmemBytes().getMax());
        out.put("mkdir_enospc", p.getMkdirEnospc());
        return out;
    }

    /** A slab point's values by slabs.csv column. */
    public static Map<String, Long> slabColumns(SeriesPoint p) {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("caches", p.getSlabCaches());
        out.put("live_caches", p.getLiveCaches());
        out.put("dead_caches", p.getDeadCaches());
        out.put("active_objs", p.getSlabActiveObjs());
        out.put("bytes", p.getSlabPageBytes());
        return out;
    }

    private static void stats(Map<String, Long> out, String m, StatSummary s) {
        out.put(m + "_min", s.getMin());
        out.put(m + "_p50", s.getP50());
        out.put(m + "_p99", s.getP99());
        out.put(m + "_max", s.getMax());
        out.put(m + "_sum", s.getSum());
    }

    /** Whether a row is over part of the nodes (a rollout's changed or unchanged ones), and so labelled with them. */
    public static boolean split(String group) {
        return !group.isEmpty() && !group.equals("all");
    }
}
