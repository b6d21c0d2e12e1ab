package io.memfleet.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A results directory read back: the summary's final aggregates, the time series, the
 * experiment file as submitted and the nodes with the most kernel memory. What reports and
 * comparisons are made from, so that they need nothing but the directory.
 */
public record ResultsDir(Path dir, Summary summary, SeriesTable series, SeriesTable slabs, String experimentYaml,
                         List<NodeKmem> topKmem, List<String> traceRepairs) {
    static final String SUMMARY = "summary.json";
    static final String SERIES = "series.csv";
    static final String SLABS = "slabs.csv";
    static final String EXPERIMENT = "experiment.yaml";
    static final String RUN = "run.json";
    static final int TOP_NODES = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The final figures of one cgroup over the fleet. The nodes its OOM kills and allocation failures
     * hit, the first one's simulated time (NaN: none, or a summary older than these figures) and its
     * limits (the largest over the nodes; {@link #UNKNOWN} in an older summary) come with the events.
     */
    public record CgroupFinal(String cgroup, long nodes, JsonNode usage, JsonNode kmem, JsonNode failcnt, long oomKills,
                              long allocFailures, long liveCaches, long deadCaches, Events events) {
        public long stat(String metric, String stat) {
            JsonNode n = switch (metric) {
                case "usage" -> usage;
                case "kmem" -> kmem;
                default -> failcnt;
            };
            return n.path(stat).asLong();
        }
    }

    /** A limit this summary does not give. */
    public static final long UNKNOWN = -1;

    /** Who the events hit, when the first came, and the limits they met. */
    public record Events(long oomNodes, long allocFailureNodes, double firstOomKillS, double firstAllocFailureS,
                         long limit, long memswLimit, long kmemLimit) {
        static final Events NONE = new Events(0, 0, Double.NaN, Double.NaN, UNKNOWN, UNKNOWN, UNKNOWN);

        static Events read(JsonNode c) {
            if (!c.has("limit_in_bytes")) {
                return NONE;
            }
            return new Events(c.path("oom_nodes").asLong(), c.path("alloc_failure_nodes").asLong(), time(c, "first_oom_kill_s"),
                    time(c, "first_alloc_failure_s"), c.path("limit_in_bytes").path("max").asLong(),
                    c.path("memsw_limit_in_bytes").path("max").asLong(), c.path("kmem_limit_in_bytes").path("max").asLong());
        }

        private static double time(JsonNode c, String field) {
            JsonNode n = c.path(field);
            return n.isNumber() ? n.asDouble() : Double.NaN;
        }
    }

    /** The fleet's total of one root slab cache at the end. */
    public record CacheFinal(String slab, long caches, long deadCaches, long activeObjs, long numObjs, long bytes) { }

    /** What summary.json says. */
    public record Summary(String experiment, long seed, String kernel, long nodes, double simulatedSeconds, long events,
                          List<CgroupFinal> cgroups, List<CacheFinal> caches, List<RolloutFinal> rollouts,
                          List<String> declaredCgroups) { }

    /** One node's cgroup and its kernel memory at the end. */
    public record NodeKmem(String node, String cgroup, long kmemUsage) { }

    /** Reads {@code dir}; a missing, corrupt or foreign file is reported by name. */
    public static ResultsDir read(Path dir) throws ResultsDirException {
        if (!Files.isDirectory(dir)) {
            throw new ResultsDirException(dir + ": no such directory");
        }
        Path summaryFile = dir.resolve(SUMMARY);
        if (!Files.isRegularFile(summaryFile)) {
            throw new ResultsDirException(dir + ": not a memfleet results directory (no " + SUMMARY + ")");
        }
        try {
            Summary summary = summary(summaryFile);
            Path seriesFile = dir.resolve(SERIES);
            if (!Files.isRegularFile(seriesFile)) {
                throw new ResultsDirException(seriesFile + ": missing (results of memfleet 0.1 or later have it)");
            }
            SeriesTable series = SeriesTable.read(seriesFile, seriesFile.toString());
            Path yaml = dir.resolve(EXPERIMENT);
            String spec = Files.isRegularFile(yaml) ? Files.readString(yaml, StandardCharsets.UTF_8) : "";
            Path slabFile = dir.resolve(SLABS);
            SeriesTable slabs = Files.isRegularFile(slabFile)
                    ? SeriesTable.read(slabFile, slabFile.toString(), SeriesTable.SLAB_COLUMNS)
                    : SeriesTable.empty(SeriesTable.SLAB_COLUMNS);
            return new ResultsDir(dir, summary, series, slabs, spec, NodeFiles.topKmem(dir.resolve("nodes"), TOP_NODES),
                    traceRepairs(dir.resolve(RUN)));
        } catch (IOException e) {
            throw new ResultsDirException(dir + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private static Summary summary(Path file) throws IOException, ResultsDirException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ResultsDirException(file + ":" + e.getLocation().getLineNr() + ": not valid JSON ("
                    + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject() || !root.hasNonNull("experiment") || !root.path("cgroups").isArray()) {
            throw new ResultsDirException(file + ": not a memfleet summary (it needs \"experiment\" and \"cgroups\")");
        }
        List<CgroupFinal> cgroups = new ArrayList<>();
        for (JsonNode c : root.path("cgroups")) {
            cgroups.add(new CgroupFinal(c.path("cgroup").asText(), c.path("nodes").asLong(), c.path("usage_in_bytes"),
                    c.path("kmem_usage_in_bytes"), c.path("failcnt"), c.path("oom_kills").asLong(),
                    c.path("alloc_failures").asLong(), c.path("live_caches").asLong(), c.path("dead_caches").asLong(),
                    Events.read(c)));
        }
        List<CacheFinal> caches = new ArrayList<>();
        for (JsonNode c : root.path("caches")) {
            caches.add(new CacheFinal(c.path("slab").asText(), c.path("caches").asLong(), c.path("dead_caches").asLong(),
                    c.path("active_objs").asLong(), c.path("num_objs").asLong(), c.path("bytes").asLong()));
        }
        return new Summary(root.path("experiment").asText(), root.path("seed").asLong(), root.path("kernel").asText(),
                root.path("nodes").asLong(), root.path("simulated_seconds").asDouble(), root.path("events").asLong(),
                cgroups, caches, RolloutFinal.read(root.path("rollouts")), declared(root.path("declared_cgroups")));
    }

    /** The cgroup paths the experiment file declared (none in a summary older than this list). */
    private static List<String> declared(JsonNode paths) {
        List<String> out = new ArrayList<>();
        paths.forEach(p -> out.add(p.asText()));
        return List.copyOf(out);
    }

    /**
     * What run.json says the experiment's traces needed on the way in, one line per workload and
     * file ({@code workloads[0]: pods.csv: 1 negative value clamped to 0 (first at line 154229)});
     * none for a run.json without them, or an unreadable one (it is the run's record, not a result).
     */
    static List<String> traceRepairs(Path runJson) {
        List<String> out = new ArrayList<>();
        if (!Files.isRegularFile(runJson)) {
            return out;
        }
        JsonNode root;
        try {
            root = JSON.readTree(runJson.toFile());
        } catch (IOException e) {
            return out;
        }
        String key = null;
        for (JsonNode r : root == null ? JSON.createArrayNode() : root.path("trace_repairs")) {
            String k = "workloads[" + r.path("workload").asInt() + "]: " + r.path("file").asText();
            if (k.equals(key)) {
                out.set(out.size() - 1, out.get(out.size() - 1) + "; " + r.path("text").asText());
            } else {
                out.add(k + ": " + r.path("text").asText());
                key = k;
            }
        }
        return out;
    }

    /** A short name for this run in comparisons: the experiment's name and its kernel options. */
    public String label() {
        String k = summary.kernel().isEmpty() ? "" : " [" + summary.kernel() + "]";
        return dir.getFileName() + " (" + summary.experiment() + k + ")";
    }
}
