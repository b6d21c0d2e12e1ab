package io.memfleet.bench;

import io.memfleet.agent.core.AgentCore;
import io.memfleet.agent.core.AgentSettings;
import io.memfleet.agent.core.Send;
import io.memfleet.agent.core.StoredRecord;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.workload.gen.PartitionJob;
import io.memfleet.workload.spec.ExperimentParser;
import io.memfleet.workload.spec.ExperimentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Restore time against a node's age: one node of an experiment runs for each given simulated
 * duration through the agent core, committing every 5 simulated seconds (snapshot segments, and
 * checkpoints that retire them, as the agent stores them); the snapshot partition is then what a
 * compacted topic keeps (the last value per key, tombstones dropped), and a fresh agent core
 * restores the node from it, timed over several rounds. Also prints what an uncompacted partition
 * would hold. No Kafka.
 * Usage: RestoreHarness [experiment.yaml] [seconds ...] (default: bench/workloads/steady.yaml 60 3600).
 */
public final class RestoreHarness {
    private static final int PARTITIONS = 12;
    private static final int COMMIT_EVERY_ROUNDS = 5; // 10 steps of 100 ms per round: 5 simulated seconds

    private RestoreHarness() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "bench/workloads/steady.yaml");
        List<Long> durations = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            durations.add(Long.parseLong(args[i]));
        }
        if (durations.isEmpty()) {
            durations = List.of(60L, 3600L);
        }
        String yaml = Files.readString(file);
        for (int pass = 0; pass < 2; pass++) { // the first pass warms the JIT up and is not printed
            for (long seconds : durations) {
                ExperimentSpec spec = ExperimentParser.parse(yaml.replaceFirst("(?m)^duration: .*$",
                        "duration: " + seconds + "s"), file.toString()).withNodes(1);
                measure(spec, seconds, pass == 1);
            }
        }
    }

    private static void measure(ExperimentSpec spec, long seconds, boolean print) throws Exception {
        AgentSettings settings = new AgentSettings(KernelConfig.parse(spec.kernel()), 1_000_000_000L, PARTITIONS);
        AgentCore core = new AgentCore(settings, "w", "c");
        Map<String, byte[]> compacted = new TreeMap<>();
        long storedRecords = 0;
        long storedBytes = 0;
        ExecutorService workers = Executors.newSingleThreadExecutor();
        int home = -1;
        long offset = 0;
        int rounds = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            PartitionJob job = new PartitionJob("restore", spec, p, PARTITIONS, null);
            List<PartitionJob.NodeRecord> pending = new ArrayList<>();
            while (!job.finished()) {
                List<PartitionJob.NodeRecord> round = job.nextRound(10, workers, 1);
                if (round.isEmpty()) {
                    continue;
                }
                home = p;
                // the last round ends the workload with the node's release: hold it back, the node stays hosted
                for (PartitionJob.NodeRecord r : pending) {
                    core.workload(p, offset++, r.nodeId(), r.value());
                }
                pending = round;
                if (++rounds % COMMIT_EVERY_ROUNDS == 0) {
                    for (Send s : core.commit(List.of(p)).snapshots()) {
                        storedRecords++;
                        storedBytes += s.value() == null ? 0 : s.value().length;
                        if (s.value() == null) {
                            compacted.remove(s.key());
                        } else {
                            compacted.put(s.key(), s.value());
                        }
                    }
                }
            }
        }
        workers.shutdown();
        for (Send s : core.commit(List.of(home)).snapshots()) {
            storedRecords++;
            if (s.value() == null) {
                compacted.remove(s.key());
            } else {
                compacted.put(s.key(), s.value());
            }
        }
        List<StoredRecord> partition = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, byte[]> e : compacted.entrySet()) {
            partition.add(new StoredRecord(e.getKey(), e.getValue(), partition.size()));
            bytes += e.getValue().length;
        }
        List<Double> times = new ArrayList<>();
        for (int rep = 0; rep < 200; rep++) {
            AgentCore fresh = new AgentCore(settings, "w", "c");
            long t0 = System.nanoTime();
            fresh.assigned(home, partition);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (fresh.hostedNodes() != 1 || fresh.stats().restoreFailures != 0) {
                throw new IllegalStateException("the node was not restored");
            }
            times.add(ms);
        }
        Collections.sort(times);
        if (!print) {
            return;
        }
        System.out.printf("%6d s of history: %d events applied, %d snapshot records stored (%.1f KiB); compacted: %d records "
                + "(%.1f KiB); restore median %.2f ms (best %.2f ms) over %d rounds%n", seconds, core.stats().applied,
                storedRecords, storedBytes / 1024.0, partition.size(), bytes / 1024.0, times.get(times.size() / 2),
                times.get(0), times.size());
    }
}
