package io.memfleet.cli;

import io.memfleet.report.ResultsDir;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code memfleet export FORMAT DIR}: a results directory in another tool's format. */
@Command(name = "export", mixinStandardHelpOptions = true, subcommands = ExportCommand.OpenMetrics.class,
        description = "Writes a results directory's series in another tool's format.")
final class ExportCommand extends CommandGroup {
    @Override
    String missing() {
        return "a format";
    }

    /** {@code export openmetrics DIR [--start TIME] [--out FILE]}. */
    @Command(name = "openmetrics", mixinStandardHelpOptions = true,
            description = {"Writes the series of a results directory (series.csv, slabs.csv) as OpenMetrics text with "
                    + "timestamps, ready for 'promtool tsdb create-blocks-from openmetrics FILE DATA_DIR'. Names and labels "
                    + "are those of the controller's /metrics fleet aggregates (memfleet_fleet_memory_usage_bytes{experiment,"
                    + "cgroup,stat}, memfleet_fleet_oom_kills_total, ...); a sample's time is --start plus its simulated "
                    + "seconds.",
                "FILE is written whole or not at all; an existing FILE is replaced only if memfleet wrote it."})
    static final class OpenMetrics implements Callable<Integer> {
        static final String FILE = "openmetrics.txt";
        private final Console io;

        OpenMetrics(Console io) {
            this.io = io;
        }

        @Parameters(paramLabel = "DIR", description = "a results directory of memfleet run")
        Path dir;

        @Option(names = "--start", paramLabel = "TIME", description = "wall-clock time of simulated time 0: RFC 3339 "
                + "(2026-12-01T10:00:00Z), unix seconds, now or now-DURATION (default: so that the run's last sample is now)")
        String start;

        @Option(names = "--out", paramLabel = "FILE", description = "where to write (default: DIR/" + FILE + ")")
        Path out;

        @Override
        public Integer call() throws IOException {
            List<ResultsDir> runs = CompareCommand.read(List.of(dir));
            ResultsDir run = runs.get(0);
            Path file = out != null ? out : dir.resolve(FILE);
            refuseForeign(file);
            double last = OpenMetricsExport.lastSeconds(run.series(), run.slabs());
            Instant now = Instant.now();
            BigDecimal from = start != null ? PrometheusRange.time(start, "--start", now)
                    : BigDecimal.valueOf(now.toEpochMilli(), 3).subtract(BigDecimal.valueOf(last))
                            .setScale(3, RoundingMode.HALF_EVEN);
            String experiment = experimentId(dir, run.summary().experiment());
            ResultsWriter.replace(file, f -> {
                try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
                    OpenMetricsExport.write(w, experiment, run.series(), run.slabs(), from);
                }
            });
            io.out().printf("[export] %s: %d series rows, %d slab rows of experiment %s from %s to %s; wrote %s%n", dir,
                    run.series().rows(), run.slabs().rows(), experiment,
                    Instant.ofEpochMilli(from.movePointRight(3).longValue()),
                    Instant.ofEpochMilli(from.add(BigDecimal.valueOf(last)).movePointRight(3).longValue()), file);
            return 0;
        }

        /** A file that exists and that memfleet did not write is the user's, and stays. */
        static void refuseForeign(Path file) throws IOException {
            if (Files.isDirectory(file)) {
                throw new UserError("--out " + file + ": a directory; name a file", 2);
            }
            if (!Files.exists(file)) {
                return;
            }
            String first;
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                first = r.readLine();
            }
            if (first == null || !first.startsWith(OpenMetricsExport.SIGNATURE)) {
                throw new UserError(file + " exists and memfleet did not write it; name another file with --out", 2);
            }
        }

        /** The id the controller gave the run (run.json), as /metrics labels it; the experiment's name without one. */
        static String experimentId(Path dir, String name) {
            Path runJson = dir.resolve("run.json");
            try {
                if (Files.isRegularFile(runJson)) {
                    String id = new JsonObject(Files.readString(runJson, StandardCharsets.UTF_8)).getString("experiment_id");
                    return id == null || id.isEmpty() ? name : id;
                }
            } catch (IOException | DecodeException e) {
                return name; // run.json is the run's record, not a result: its id is a nicety
            }
            return name;
        }
    }
}
