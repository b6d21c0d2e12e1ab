package io.memfleet.bench;

import io.memfleet.workload.trace.TraceSet;
import io.memfleet.workload.trace.TraceSpec;
import io.memfleet.workload.trace.TraceStore;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trace parsing speed on one thread: writes a long-format CSV (series, time, value as a fraction;
 * about 33 bytes a row) of the given size, then loads it as the trace workload does (every row
 * checked, the first {@code keep} series kept), several rounds, each on a fresh file so that
 * nothing is served from the loaded-trace cache.
 * Usage: TraceParseHarness [megabytes] [series] [keep] [rounds] (default: 100 10000 200 5).
 */
public final class TraceParseHarness {
    private TraceParseHarness() {
    }

    public static void main(String[] args) throws Exception {
        long mb = args.length > 0 ? Long.parseLong(args[0]) : 100;
        int series = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int keep = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Path dir = Files.createTempDirectory("memfleet-trace-bench");
        long rows = 0;
        Path file = dir.resolve("pods.csv");
        SplittableRandom r = new SplittableRandom(1);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            w.write("timestamp,container_ip,value\n");
            long t = 1_600_000_000L;
            while (Files.size(file) < mb << 20 || rows == 0) {
                for (int s = 0; s < series; s++) {
                    w.write(Long.toString(t));
                    w.write(",10.1.");
                    w.write(Integer.toString(s / 250));
                    w.write('.');
                    w.write(Integer.toString(s % 250));
                    w.write(',');
                    w.write(String.format("%.4f", r.nextDouble()));
                    w.write('\n');
                    rows++;
                }
                t += 300;
                w.flush();
            }
        }
        System.out.printf("%s: %d rows, %.1f MB, %d series%n", file, rows, Files.size(file) / 1048576.0, series);
        for (int round = 0; round < rounds; round++) {
            Path copy = dir.resolve("pods-" + round + ".csv");
            Files.copy(file, copy);
            TraceSpec spec = TraceSpec.of(Map.of("path", copy.toString(), "series_column", "container_ip",
                    "time_column", "timestamp", "value_column", "value"), dir, Map.of());
            long t0 = System.nanoTime();
            TraceSet set = TraceStore.load(spec, keep);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("round %d: %.2f s, %.2f M rows/s (%d series, %d kept)%n", round, s, set.rows() / s / 1e6,
                    set.count(), set.series().size());
            Files.delete(copy);
        }
        Files.delete(file);
        Files.delete(dir);
    }
}
