package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.Launcher;
import io.memfleet.it.testing.Prometheus;
import io.memfleet.it.testing.TraceRuns;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Your own fleet, end to end: two hours of cAdvisor-named working sets are loaded into Debian's
 * real Prometheus (promtool tsdb create-blocks-from openmetrics), imported with {@code trace import
 * prometheus}, and replayed: each node follows the series of its label set.
 */
@Timeout(300)
class PrometheusImportIT {
    private static final int PODS = 3;
    private static final int POINTS = 121;
    private static final double SLACK = 32 * 4096 + 8192;
    private static final String QUERY = "container_memory_working_set_bytes{namespace=\"web\"}";

    @TempDir
    Path dir;

    /** Pod {@code pod}'s working set at minute {@code k}, in bytes. */
    private static double bytes(int pod, int k) {
        return Math.round((96 + 64 * pod + 32 * Math.sin(k / 12.0 + pod)) * (1 << 20));
    }

    /** OpenMetrics text of the pods (and one series of another namespace the query must leave out). */
    private static String openMetrics(long t0) {
        StringBuilder sb = new StringBuilder("# HELP container_memory_working_set_bytes Current working set.\n"
                + "# TYPE container_memory_working_set_bytes gauge\n");
        for (int pod = 0; pod <= PODS; pod++) {
            String labels = pod < PODS ? "namespace=\"web\",pod=\"web-" + pod + "\"" : "namespace=\"batch\",pod=\"b\"";
            for (int k = 0; k < POINTS; k++) {
                sb.append("container_memory_working_set_bytes{").append(labels).append("} ")
                        .append(String.format(Locale.ROOT, "%.0f", bytes(pod, k))).append(' ').append(t0 + 60L * k)
                        .append('\n');
            }
        }
        return sb.append("# EOF\n").toString();
    }

    private static String run(Path log, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd));
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void importedSeriesAreReplayedEachNodeFollowingItsLabelSet() throws Exception {
        Assumptions.assumeTrue(Prometheus.installed(),
                "Prometheus is not installed (.ci/run installs Debian's prometheus package); skipping the import");
        long t0 = (Instant.now().getEpochSecond() / 60 - 180) * 60; // three hours ago, on the minute
        Path om = Files.writeString(dir.resolve("web.om"), openMetrics(t0));
        Path data = dir.resolve("data");
        run(dir.resolve("promtool.log"), Prometheus.PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics", om.toString(),
                data.toString());
        try (Prometheus prom = Prometheus.start(dir, "global:\n  scrape_interval: 1m\n", data)) {
            String url = prom.url();
            Path trace = dir.resolve("web.csv");
            String end = Long.toString(t0 + 60L * (POINTS - 1));
            Launcher.Outcome imported = Launcher.ok("trace", "import", "prometheus", "--url", url, "--query", QUERY,
                    "--start", Long.toString(t0), "--end", end, "--step", "60s", "--out", trace.toString());
            assertTrue(imported.out().contains(PODS + " series, " + PODS * POINTS + " samples"), imported.out());
            JsonArray labels = new JsonObject(Files.readString(dir.resolve("web.csv.labels.json"))).getJsonArray("series");
            for (int i = 0; i < PODS; i++) {
                assertEquals("web-" + i, labels.getJsonObject(i).getJsonObject("labels").getString("pod"));
                assertEquals(i, labels.getJsonObject(i).getInteger("node_index"));
            }
            replay(trace);
            failures(url, trace, t0, end);
        }
    }

    /** The imported file on a fleet: node i ends at pod i's last working set and stays within the pods' band. */
    private void replay(Path trace) throws Exception {
        Path file = Files.writeString(dir.resolve("web.yaml"), TraceRuns.experiment("own-fleet", 4, PODS, "",
                "path: web.csv, series_column: series, time_column: time, value_column: bytes, value_unit: bytes"));
        Path out = dir.resolve("out");
        Launcher.ok("run", file.toString(), "--out", out.toString(), "-q");
        for (int i = 0; i < PODS; i++) {
            long got = TraceRuns.usageAtEnd(out, "own-fleet", i);
            assertEquals(bytes(i, POINTS - 2), got, SLACK, "node " + i + " follows web-" + i);
        }
        int checked = TraceRuns.assertJobMaxWithin(out, t -> {
            int k = (int) (t / 60);
            return new double[] {Math.min(bytes(PODS - 1, Math.max(0, k - 1)), bytes(PODS - 1, k)),
                Math.max(bytes(PODS - 1, Math.max(0, k - 1)), bytes(PODS - 1, k))};
        }, SLACK);
        assertTrue(checked >= 20, "a point every 300 s: " + checked);
    }

    /** The real server's refusals: a bad query and an empty result exit 2 with its words. */
    private void failures(String url, Path trace, long t0, String end) {
        Launcher.Outcome bad = Launcher.memfleet("trace", "import", "prometheus", "--url", url, "--query", "sum(",
                "--start", Long.toString(t0), "--end", end, "--step", "60s", "--out", dir.resolve("x.csv").toString());
        assertEquals(2, bad.status(), bad.err());
        assertTrue(bad.err().contains("Prometheus refused the query (bad_data"), bad.err());
        Launcher.Outcome none = Launcher.memfleet("trace", "import", "prometheus", "--url", url, "--query",
                "container_memory_working_set_bytes{namespace=\"nowhere\"}", "--start", Long.toString(t0), "--end", end,
                "--step", "60s", "--out", dir.resolve("y.csv").toString());
        assertEquals(2, none.status(), none.err());
        assertTrue(none.err().contains("the query matched no series"), none.err());
        Launcher.Outcome exists = Launcher.memfleet("trace", "import", "prometheus", "--url", url, "--query", QUERY,
                "--start", Long.toString(t0), "--end", end, "--step", "60s", "--out", trace.toString());
        assertEquals(2, exists.status(), exists.err());
    }
}
