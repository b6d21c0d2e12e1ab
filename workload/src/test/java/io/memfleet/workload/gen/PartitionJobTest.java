package io.memfleet.workload.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.Command;
import io.memfleet.protocol.WorkloadReader;
import io.memfleet.proto.v1.GenerationProgress;
import io.memfleet.workload.spec.ExperimentParser;
import io.memfleet.workload.spec.ExperimentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Generation is deterministic: the same bytes per node whatever the threads, rounds or resumptions. */
class PartitionJobTest {
    private static final ExecutorService WORKERS = Executors.newFixedThreadPool(4);

    @AfterAll
    static void stop() {
        WORKERS.shutdownNow();
    }

    private static ExperimentSpec quickstart(int nodes) throws Exception {
        return ExperimentParser.parse(Files.readString(Path.of("../examples/quickstart.yaml")), "quickstart.yaml")
                .withNodes(nodes);
    }

    /** Every record of every node of the job, concatenated per node in order. */
    private static Map<String, List<byte[]>> all(PartitionJob j, int steps, int threads) throws Exception {
        Map<String, List<byte[]>> out = new HashMap<>();
        while (!j.finished()) {
            for (PartitionJob.NodeRecord r : j.nextRound(steps, WORKERS, threads)) {
                out.computeIfAbsent(r.nodeId(), k -> new ArrayList<>()).add(r.value());
            }
        }
        return out;
    }

    @Test
    void theBytesOfEveryNodeAreTheSameWhateverTheThreadCount() throws Exception {
        ExperimentSpec e = quickstart(1200);
        Map<String, List<byte[]>> one = all(new PartitionJob("q-1", e, 3, 4, null), 10, 1);
        Map<String, List<byte[]>> four = all(new PartitionJob("q-1", e, 3, 4, null), 10, 4);
        assertEquals(one.keySet(), four.keySet());
        assertTrue(one.size() >= 4 * 64, "enough nodes to split over four threads: " + one.size());
        for (String n : one.keySet()) {
            assertEquals(one.get(n).size(), four.get(n).size());
            for (int i = 0; i < one.get(n).size(); i++) {
                assertArrayEquals(one.get(n).get(i), four.get(n).get(i), n + " record " + i);
            }
        }
    }

    /** The commands and samples a node's records carry, with their seqs. */
    private static List<Object> events(List<byte[]> records, String node) throws Exception {
        List<Object> out = new ArrayList<>();
        for (byte[] r : records) {
            WorkloadReader.read(r, node, new WorkloadReader.Sink() {
                @Override
                public void command(long seq, Command c) {
                    out.add(List.of(seq, c));
                }

                @Override
                public void sample(long seq, boolean dumpFiles, boolean release) {
                    out.add(List.of(seq, "sample", dumpFiles, release));
                }

                @Override
                public void telemetryInterval(long seq, long intervalNs) {
                    out.add(List.of(seq, "interval", intervalNs));
                }

                @Override
                public void configStep(long seq, io.memfleet.protocol.RolloutStep step) {
                    out.add(List.of(seq, step));
                }

                @Override
                public void invalid(long seq, String reason) {
                    throw new AssertionError(reason);
                }
            });
        }
        return out;
    }

    @Test
    void aNodesEventsDependOnItsIndexNotOnRoundSizesAndEndWithItsFinalStateAndRelease() throws Exception {
        ExperimentSpec e = quickstart(24);
        PartitionJob coarse = new PartitionJob("q-2", e, 0, 2, null);
        PartitionJob fine = new PartitionJob("q-2", e, 0, 2, null);
        Map<String, List<byte[]>> a = all(coarse, 50, 1);
        Map<String, List<byte[]>> b = all(fine, 7, 1);
        for (String n : a.keySet()) {
            List<Object> ea = events(a.get(n), n);
            assertEquals(ea, events(b.get(n), n));
            assertEquals(new Command.Node(2, 1L << 30, 0, ((Command.Node) ((List<?>) ea.get(0)).get(1)).seed(), 100, "default"),
                    ((List<?>) ea.get(0)).get(1));
            assertEquals(List.of((long) ea.size(), "sample", true, true), ea.get(ea.size() - 1));
            for (int i = 0; i < ea.size(); i++) {
                assertEquals((long) i + 1, ((List<?>) ea.get(i)).get(0), "seqs run from 1 without gaps");
            }
        }
        assertEquals(coarse.progress().getEventsPublished(), fine.progress().getEventsPublished());
        assertTrue(coarse.progress().getDone());
    }

    @Test
    void aResumedJobPublishesExactlyWhatTheUninterruptedOneWould() throws Exception {
        ExperimentSpec e = quickstart(48);
        PartitionJob straight = new PartitionJob("q-3", e, 1, 4, null);
        PartitionJob first = new PartitionJob("q-3", e, 1, 4, null);
        for (int r = 0; r < 5; r++) {
            straight.nextRound(10, WORKERS, 2);
            first.nextRound(10, WORKERS, 2);
        }
        GenerationProgress saved = first.progress();
        assertFalse(saved.getDone());
        assertEquals(50, saved.getStepsDone());
        PartitionJob resumed = new PartitionJob("q-3", e, 1, 4, saved);
        Map<String, List<byte[]>> a = all(straight, 10, 2);
        Map<String, List<byte[]>> b = all(resumed, 10, 2);
        assertEquals(a.keySet(), b.keySet());
        for (String n : a.keySet()) {
            assertEquals(events(a.get(n), n), events(b.get(n), n), n);
        }
        assertEquals(straight.progress(), resumed.progress());
    }

    @Test
    void sparseRoundsStretchAndAJobResumedFromItsProgressCutsTheSameRecords() throws Exception {
        ExperimentSpec e = ExperimentParser.parse(String.join("\n", "name: idle", "seed: 5", "nodes: 16",
                "node: {cpus: 2, mem: 1G}", "duration: 6h", "step: 1m", "telemetry_interval: 1h",
                "cgroups: [{path: /jobs, use_hierarchy: true, limit: 64M}]",
                "workloads: [{model: short-lived-cgroups, cgroup: /jobs, params: {every_steps: 30, lifetime_steps: 3}}]"),
                "idle.yaml");
        PartitionJob straight = new PartitionJob("i-1", e, 0, 2, null);
        PartitionJob first = new PartitionJob("i-1", e, 0, 2, null);
        List<Long> rounds = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            long before = straight.stepsDone();
            straight.nextRound(10, WORKERS, 2);
            first.nextRound(10, WORKERS, 2);
            rounds.add(straight.stepsDone() - before);
        }
        assertEquals(List.of(10L, 20L, 40L), rounds, "rounds of a few events a node take twice the steps each time");
        PartitionJob resumed = new PartitionJob("i-1", e, 0, 2, first.progress());
        Map<String, List<byte[]>> a = all(straight, 10, 2);
        Map<String, List<byte[]>> b = all(resumed, 10, 2);
        assertEquals(a.keySet(), b.keySet());
        for (String n : a.keySet()) {
            assertEquals(a.get(n).size(), b.get(n).size(), n);
            for (int i = 0; i < a.get(n).size(); i++) {
                assertArrayEquals(a.get(n).get(i), b.get(n).get(i), n + " record " + i);
            }
        }
    }

    @Test
    void aPartitionWithoutNodesOfTheExperimentIsDoneAtOnceAndACancelReleasesTheRest() throws Exception {
        ExperimentSpec e = quickstart(1);
        int home = -1;
        for (int p = 0; p < 12 && home < 0; p++) {
            if (new PartitionJob("q-4", e, p, 12, null).nodes() == 1) {
                home = p;
            }
        }
        PartitionJob empty = new PartitionJob("q-4", e, (home + 1) % 12, 12, null);
        assertTrue(empty.nextRound(10, WORKERS, 1).isEmpty());
        assertTrue(empty.progress().getDone());
        PartitionJob j = new PartitionJob("q-4", e, home, 12, null);
        j.nextRound(10, WORKERS, 1);
        List<PartitionJob.NodeRecord> released = j.cancel();
        assertEquals(1, released.size());
        List<Object> ev = events(List.of(released.get(0).value()), released.get(0).nodeId());
        assertEquals("sample", ((List<?>) ev.get(0)).get(1));
        assertEquals(false, ((List<?>) ev.get(0)).get(2));
        assertEquals(true, ((List<?>) ev.get(0)).get(3));
        assertTrue(j.finished());
    }
}
