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

    /** /job's memory.usage_in_bytes in node {@code node}'s final state of the results in {@code out}. */
    public static long usageAtEnd(Path out, String name, int node) throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("nodes").resolve(String.format("%s-%04d.txt", name, node)));
        return Long.parseLong(lines.get(lines.indexOf("==> /job/memory.usage_in_bytes <==") + 1).trim());
    }
}
