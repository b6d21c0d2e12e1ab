package io.memfleet.workload.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memfleet.workload.spec.ExperimentParser;
import io.memfleet.workload.spec.ExperimentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The records every workload model generates, pinned by their hash: a change of these bytes is a
 * change of every experiment's results, so it must be deliberate (a refactoring of the models must
 * leave them as they are). Each case covers models the others do not.
 */
class GenerationGoldenTest {
    private static final ExecutorService WORKERS = Executors.newFixedThreadPool(2);

    @TempDir
    static Path tmp;

    @AfterAll
    static void stop() {
        WORKERS.shutdownNow();
    }

    /** SHA-256 of every record of every node, in the order one partition's job publishes them. */
    private static String hash(ExperimentSpec e) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        PartitionJob j = new PartitionJob("golden-1", e, 0, 1, null);
        while (!j.finished()) {
            for (PartitionJob.NodeRecord r : j.nextRound(10, WORKERS, 2)) {
                md.update(r.nodeId().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(r.value());
            }
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    private static ExperimentSpec example(String name, int nodes) throws Exception {
        return ExperimentParser.parse(Files.readString(Path.of("../examples/" + name)), name).withNodes(nodes);
    }

    private static ExperimentSpec inline(String yaml) throws Exception {
        Path file = Files.writeString(tmp.resolve("golden.yaml"), yaml);
        return ExperimentParser.parse(yaml, file.toString());
    }

    @Test
    void theQuickstartsModelsGenerateTheirPinnedBytes() throws Exception {
        assertEquals("e2f3d723aff2f69b", hash(example("quickstart.yaml", 6)));
    }

    @Test
    void shortLivedCgroupsGenerateTheirPinnedBytes() throws Exception {
        assertEquals("cb2406b56a2bc149", hash(example("zombie-forecast.yaml", 3)));
    }

    @Test
    void traceReplayAndTraceChurnGenerateTheirPinnedBytes() throws Exception {
        Files.writeString(tmp.resolve("usage.csv"), "t,job,v\n0,a,0.1\n60,a,0.5\n120,a,0.9\n0,b,0.3\n60,b,0.2\n");
        Files.writeString(tmp.resolve("starts.csv"), "t,fn,n,secs\n0,a,2,60\n60,a,5,180\n120,a,1,60\n0,b,3,120\n");
        assertEquals("a82cceb42496d50b", hash(inline("""
                name: golden
                seed: 11
                nodes: 3
                node: {cpus: 2, mem: 1G}
                duration: 3m
                step: 10s
                cgroups:
                  - {path: /job, limit: 256M}
                  - {path: /fn, use_hierarchy: true, limit: 256M}
                workloads:
                  - model: trace
                    cgroup: /job
                    tasks: 2
                    params: {path: usage.csv, series_column: job, time_column: t, value_column: v, value_unit: fraction}
                  - model: trace-churn
                    cgroup: /fn
                    params: {path: starts.csv, series_column: fn, time_column: t, value_column: n, lifetime_column: secs}
                """)));
    }
}
