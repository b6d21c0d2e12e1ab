package io.memfleet.workload.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The built-in workload models and their parameters with defaults (sizes in bytes). */
public final class WorkloadModels {
    /** Every model's name, in the order the README lists them. */
    public static final List<String> MODELS = List.of("dentry-walker", "kmalloc-service", "pagecache-streamer",
            "anon-grower", "short-lived-cgroups", "trace", "trace-churn");
    public static final String NAMES = String.join(", ", MODELS);

    private WorkloadModels() {
    }

    /** Parameter defaults of a model, or null for an unknown model. */
    public static Map<String, Long> defaults(String model) {
        List<Object> kv = switch (model) {
            // a file-tree walker: looks up new names (dentries) and forgets some of them
            case "dentry-walker" -> List.of("dentries_per_step", 40L, "frees_per_step", 30L);
            // a network service: kmalloc buffers of one size, most freed again
            case "kmalloc-service" -> List.of("size", 512L, "allocs_per_step", 20L, "frees_per_step", 18L);
            // streams a file through the page cache, truncating it now and then
            case "pagecache-streamer" -> List.of("read_per_step", 256L << 10, "truncate_every_steps", 50L);
            // grows anonymous memory until its cgroup's limit ends it in an OOM kill
            case "anon-grower" -> List.of("grow_per_step", 1L << 20);
            // jobs in short-lived child cgroups: created, used, removed (leaving dead caches)
            case "short-lived-cgroups" -> List.of("every_steps", 20L, "lifetime_steps", 30L, "dentries", 40L,
                    "kmallocs", 10L, "kmalloc_size", 256L);
            // replays a recorded series per node (its params are read by TraceSpec, not as numbers)
            case "trace" -> List.of();
            // jobs in child cgroups started by a recorded series of counts (read by the parser: its file
            // parameters by TraceSpec, durations and fractions by ExperimentParser.churn)
            case "trace-churn" -> List.of("lifetime_ns", 60_000_000_000L, "dentries", 40L, "kmallocs", 10L,
                    "kmalloc_size", 256L, "anon", 0L, "scale_ppm", 1_000_000L, "max_live", 10_000L);
            default -> null;
        };
        if (kv == null) {
            return null;
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.size(); i += 2) {
            m.put((String) kv.get(i), (Long) kv.get(i + 1));
        }
        return m;
    }
}
