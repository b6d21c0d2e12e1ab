package io.memfleet.it.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Trace replays as the integration tests run them: two simulated hours of one trace workload in /job. */
public final class TraceRuns {
    private TraceRuns() {
    }

    /**
     * An experiment replaying a trace in /job for 120 simulated minutes, a step a minute and a
     * sample every five; {@code job} is the rest of /job's settings ({@code ", limit: 512M"} or
     * empty), {@code params} the trace's parameters as a YAML flow mapping's content.
     */
    public static String experiment(String name, int seed, int nodes, String job, String params) {
        return """
                name: %s
                seed: %d
                nodes: %d
                node: {cpus: 1, mem: 1G}
                duration: 120m
                step: 60s
                telemetry_interval: 300s
                cgroups:
                  - {path: /job%s}
                workloads:
                  - model: trace
                    cgroup: /job
                    params: {%s}
                """.formatted(name, seed, nodes, job, params);
    }

    /** What /job's usage max over the nodes may be at a simulated time: {lo, hi}. */
    public interface Band {
        double[] at(double seconds);
    }

    /** Checks every /job row of the results' series.csv against {@code band} (within {@code slack}); returns how many. */
    public static int assertJobMaxWithin(Path out, Band band, double slack) throws IOException {
        int checked = 0;
        for (String row : Files.readAllLines(out.resolve("series.csv"))) {
            String[] f = row.split(",");
            if (!f[1].equals("/job")) {
                continue;
            }
            double t = Double.parseDouble(f[0]);
            double[] b = band.at(t);
            long max = Long.parseLong(f[6]);
            org.junit.jupiter.api.Assertions.assertTrue(max <= b[1] + slack && max >= b[0] - slack, "usage max " + max
                    + " at " + t + " s out of [" + b[0] + ", " + b[1] + "]");
            checked++;
        }
        return checked;
    }

    /** /job's memory.usage_in_bytes in node {@code node}'s final state of the results in {@code out}. */
    public static long usageAtEnd(Path out, String name, int node) throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("nodes").resolve(String.format("%s-%04d.txt", name, node)));
        return Long.parseLong(lines.get(lines.indexOf("==> /job/memory.usage_in_bytes <==") + 1).trim());
    }
}
