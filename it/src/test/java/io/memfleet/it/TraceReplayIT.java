package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.Launcher;
import io.memfleet.it.testing.TraceRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few real series of the Google cluster trace (read where ../shared/traces keeps them) replayed
 * on an embedded fleet: every node's cgroup usage follows its own series, at the end and over the
 * fleet at every telemetry time, the kernel's page rounding and charge batching aside.
 */
@Timeout(300)
class TraceReplayIT {
    private static final Path TRACES = Path.of(System.getProperty("memfleet.traces", "../../shared/traces"),
            "google2011-derived");
    private static final int NODES = 4;
    private static final long MEM = 1L << 30;
    /** Usage may run ahead of the pages charged by a charge batch (32 pages) and round to pages. */
    private static final double SLACK = 32 * 4096 + 8192;

    @TempDir
    Path tmp;

    /** Memory percent of each row (column 1, rows 300 s apart). */
    private static double[] series(Path f) throws IOException {
        return Files.readAllLines(f).stream().filter(l -> !l.isBlank())
                .mapToDouble(l -> Double.parseDouble(l.trim().split("\\s+")[1])).toArray();
    }

    /** The demand in bytes at {@code t} seconds: linear between rows, as the example file asks. */
    private static double target(double[] pct, double t) {
        int i = (int) Math.min(pct.length - 1, Math.floor(t / 300));
        double v = i + 1 < pct.length ? pct[i] + (t / 300 - i) * (pct[i + 1] - pct[i]) : pct[i];
        return v / 100 * MEM;
    }

    @Test
    void eachNodesUsageFollowsItsSeries() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(TRACES), "the shared traces are not beside this checkout: " + TRACES);
        List<Path> all;
        try (Stream<Path> s = Files.list(TRACES)) {
            all = s.sorted().toList();
        }
        Path dir = Files.createDirectories(tmp.resolve("series"));
        List<double[]> pct = new ArrayList<>();
        for (Path f : all.subList(0, NODES)) {
            Files.copy(f, dir.resolve(f.getFileName()));
            pct.add(series(f));
        }
        Path file = Files.writeString(tmp.resolve("replay.yaml"), TraceRuns.experiment("replay", 5, NODES, "",
                "path: series, format: wide, value_column: 1, interval: 300s, value_unit: percent, of: node, "
                        + "interpolate: linear"));
        Path out = tmp.resolve("out");
        Launcher.ok("run", file.toString(), "--out", out.toString(), "-q");
        for (int i = 0; i < NODES; i++) {
            double want = target(pct.get(i), 7140);
            long got = TraceRuns.usageAtEnd(out, "replay", i);
            assertEquals(want, got, SLACK, "node " + i + " ends at its series' last demand");
        }
        int checked = TraceRuns.assertJobMaxWithin(out, t -> {
            double lo = Double.MAX_VALUE;
            double hi = 0;
            for (double[] p : pct) {
                double a = target(p, t - 60);
                double b = target(p, t);
                lo = Math.min(lo, Math.min(a, b));
                hi = Math.max(hi, Math.max(a, b));
            }
            return new double[] {lo, hi};
        }, SLACK);
        assertTrue(checked >= 20, "a point every 300 s: " + checked);
    }
}
