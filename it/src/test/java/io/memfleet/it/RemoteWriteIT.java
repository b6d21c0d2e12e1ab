package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.FleetHarness;
import io.memfleet.it.testing.Launcher;
import io.memfleet.it.testing.PromQl;
import io.memfleet.it.testing.Prometheus;
import io.memfleet.report.ResultsDir;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run at 10x real time with {@code --remote-write} into Debian's real Prometheus (its
 * remote-write receiver on): the samples carry simulated time laid on the run's start, so they
 * span the simulated duration, not the few wall-clock seconds the run took, and their values are
 * those of series.csv and summary.json.
 */
@Timeout(300)
class RemoteWriteIT {
    private static final String USAGE = "memfleet_fleet_memory_usage_bytes{cgroup=\"/batch\",stat=\"max\"}";
    private static final String KILLS = "memfleet_fleet_oom_kills_total{cgroup=\"/batch\"}";

    @TempDir
    Path dir;

    @Test
    void aRunAtTenTimesRealTimeLandsWithItsOwnTimeAxis() throws Exception {
        Assumptions.assumeTrue(Prometheus.installed(),
                "Prometheus is not installed (.ci/run installs Debian's prometheus package); skipping the remote write");
        try (Prometheus prom = Prometheus.start(dir, "global:\n  scrape_interval: 1m\n", dir.resolve("data"),
                "--web.enable-remote-write-receiver")) {
            Path results = dir.resolve("run");
            Launcher.ok("run", Launcher.example("quickstart.yaml").toString(), "--set", "nodes=4", "--speed", "10",
                    "--remote-write", prom.url() + "/api/v1/write", "--out", results.toString(), "-q");
            ResultsDir run = ResultsDir.read(results);
            JsonObject runJson = new JsonObject(Files.readString(results.resolve("run.json")));
            long startMs = runJson.getLong("submitted_at_ms") - Math.round(run.summary().simulatedSeconds() * 1000);
            // the experiment's own wall time, from its submission to its end (the run's also starts a broker)
            double wallSeconds = (runJson.getLong("finished_at_ms") - runJson.getLong("submitted_at_ms")) / 1000.0;

            PromQl q = new PromQl(prom.url());
            JsonArray[] got = {null};
            FleetHarness.await("Prometheus has the run's /batch usage", Duration.ofSeconds(60), () -> {
                try {
                    got[0] = q.result(USAGE + "[1h]", null);
                } catch (java.io.IOException e) {
                    return false; // asked again until the deadline
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                return got[0].size() == 1;
            }, () -> "answer " + got[0] + "; prometheus log: " + prom.logTail());
            JsonArray values = got[0].getJsonObject(0).getJsonArray("values");
            double[] axis = run.series().timeAxis();
            Long[] usage = run.series().column("/batch", "usage_max", axis);
            List<Long> expectedTimes = new ArrayList<>();
            List<Double> expectedValues = new ArrayList<>();
            for (int i = 0; i < axis.length; i++) {
                if (usage[i] != null) {
                    expectedTimes.add(startMs + Math.round(axis[i] * 1000));
                    expectedValues.add(usage[i].doubleValue());
                }
            }
            List<Long> times = new ArrayList<>();
            List<Double> vals = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                JsonArray v = values.getJsonArray(i);
                times.add(Math.round(v.getDouble(0) * 1000));
                vals.add(Double.valueOf(v.getString(1)));
            }
            assertEquals(expectedTimes, times, "each sample at the run's start plus its simulated time");
            assertEquals(expectedValues, vals, "series.csv's usage_max of /batch");
            double spanSeconds = (times.get(times.size() - 1) - times.get(0)) / 1000.0;
            assertTrue(spanSeconds > 2 * wallSeconds, "the samples span simulated time (" + spanSeconds
                    + " s), not the " + wallSeconds + " s the experiment took");

            long kills = run.summary().cgroups().stream().filter(c -> c.cgroup().equals("/batch")).findFirst()
                    .orElseThrow().oomKills();
            assertTrue(kills > 0, "the quickstart's /batch is OOM-killed: the check needs kills to count");
            String end = Double.toString(times.get(times.size() - 1) / 1000.0);
            assertEquals(kills, q.instant("max_over_time(" + KILLS + "[1h])", end), 0.0, "OOM kills of /batch");
        }
    }
}
