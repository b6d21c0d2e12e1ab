package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.Launcher;
import io.memfleet.it.testing.Prometheus;
import io.memfleet.it.testing.PromQl;
import io.memfleet.report.ResultsDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's results backfilled into Debian's real Prometheus: {@code export openmetrics}, then
 * {@code promtool tsdb create-blocks-from openmetrics}, then PromQL over the blocks answers what
 * series.csv and summary.json say (the peak of a usage series, the OOM kills over the run).
 */
@Timeout(300)
class OpenMetricsBackfillIT {

    @TempDir
    Path dir;

    @Test
    void promqlOverTheBackfilledBlocksEqualsTheResultsFiles() throws Exception {
        Assumptions.assumeTrue(Prometheus.installed(),
                "Prometheus is not installed (.ci/run installs Debian's prometheus package); skipping the backfill");
        Path results = dir.resolve("run");
        Launcher.ok("run", Launcher.example("quickstart.yaml").toString(), "--set", "nodes=4", "--out", results.toString(),
                "-q");
        Path om = dir.resolve("run.om");
        Launcher.Outcome exported = Launcher.ok("export", "openmetrics", results.toString(), "--out", om.toString());
        assertTrue(exported.out().contains("wrote " + om), exported.out());
        Launcher.Outcome again = Launcher.memfleet("export", "openmetrics", results.toString(), "--out",
                results.resolve("experiment.yaml").toString());
        assertEquals(2, again.status(), "a file memfleet's exporter did not write stays: " + again.err());
        assertTrue(again.err().contains("did not write"), again.err());

        Path data = dir.resolve("data");
        Process p = new ProcessBuilder(Prometheus.PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics",
                om.toString(), data.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("promtool.log").toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("promtool.log")));

        ResultsDir run = ResultsDir.read(results);
        double last = run.series().timeAxis()[run.series().timeAxis().length - 1];
        String end = endOf(Files.readString(om), "memfleet_fleet_oom_kills_total{");
        long peak = run.series().peak("/batch", "usage_max");
        long ooms = run.summary().cgroups().stream().filter(c -> c.cgroup().equals("/batch")).findFirst().orElseThrow()
                .oomKills();
        assertTrue(ooms > 0, "the quickstart's /batch is OOM-killed: the check needs kills to count");
        long intervals = 0; // series.csv holds each interval's kills
        double[] axis = run.series().timeAxis();
        for (Long v : run.series().column("/batch", "oom_kills", axis)) {
            intervals += v == null ? 0 : v;
        }
        assertEquals(ooms, intervals, "series.csv's kills add up to summary.json's");
        try (Prometheus prom = Prometheus.start(dir, "global:\n  scrape_interval: 1m\n", data)) {
            PromQl q = new PromQl(prom.url());
            String sel = "{cgroup=\"/batch\",experiment=~\".+\"";
            long span = (long) Math.ceil(last) + 1;
            assertEquals(peak, q.instant("max_over_time(memfleet_fleet_memory_usage_bytes" + sel + ",stat=\"max\"}["
                    + span + "s])", end), 0.0, "peak usage of /batch");
            String exact = Math.round(last * 1000) + "ms"; // from the 0 at simulated time 0 to the last sample: no extrapolation
            assertEquals(ooms, q.instant("increase(memfleet_fleet_oom_kills_total" + sel + "}[" + exact + "])", end), 0.0,
                    "OOM kills of /batch over the run");
        }
    }

    /** The timestamp of the last sample of a family in the text: the run's end. */
    private static String endOf(String openMetrics, String prefix) {
        String end = null;
        for (String line : openMetrics.lines().toList()) {
            if (line.startsWith(prefix)) {
                end = line.substring(line.lastIndexOf(' ') + 1);
            }
        }
        return end;
    }
}
