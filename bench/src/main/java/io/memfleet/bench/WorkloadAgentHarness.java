package io.memfleet.bench;

import io.memfleet.agent.core.AgentCore;
import io.memfleet.agent.core.AgentSettings;
import io.memfleet.agent.core.Outbox;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.workload.gen.PartitionJob;
import io.memfleet.workload.spec.ExperimentParser;
import io.memfleet.workload.spec.ExperimentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent core alone on an experiment's real workload: every node's records generated first,
 * then handed to one AgentCore in the order a generator publishes them (round by round), with
 * commits every second of simulated time. Prints generation and agent rates. No Kafka: this is the
 * ceiling of one agent loop on this workload.
 * Usage: WorkloadAgentHarness [experiment.yaml] [nodes] [rounds-per-commit].
 */
public final class WorkloadAgentHarness {
    private WorkloadAgentHarness() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "examples/quickstart.yaml");
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 2400;
        int partitions = 12;
        ExperimentSpec spec = ExperimentParser.parse(Files.readString(file), file.toString()).withNodes(nodes);
        ExecutorService workers = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        List<List<List<PartitionJob.NodeRecord>>> rounds = new ArrayList<>();
        long t0 = System.nanoTime();
        List<PartitionJob> jobs = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            jobs.add(new PartitionJob("bench-x", spec, p, partitions, null));
        }
        long events = 0;
        while (jobs.stream().anyMatch(j -> !j.finished())) {
            List<List<PartitionJob.NodeRecord>> round = new ArrayList<>();
            for (PartitionJob j : jobs) {
                round.add(j.nextRound(10, workers, Runtime.getRuntime().availableProcessors()));
            }
            rounds.add(round);
        }
        for (PartitionJob j : jobs) {
            events += j.progress().getEventsPublished();
        }
        workers.shutdown();
        double gen = (System.nanoTime() - t0) / 1e9;
        System.out.printf("generated %d events for %d nodes in %.2f s: %.2f M events/s%n", events, nodes, gen,
                events / gen / 1e6);
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<Double> times = new ArrayList<>();
        for (int rep = 0; rep < repeats; rep++) {
            AgentCore core = new AgentCore(new AgentSettings(KernelConfig.parse(spec.kernel()), 1_000_000_000L,
                    partitions), "w", "c");
            long[] offsets = new long[partitions];
            long sends = 0;
            t0 = System.nanoTime();
            List<Integer> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(p);
            }
            for (List<List<PartitionJob.NodeRecord>> round : rounds) {
                for (int p = 0; p < partitions; p++) {
                    for (PartitionJob.NodeRecord r : round.get(p)) {
                        Outbox o = core.workload(p, offsets[p]++, r.nodeId(), r.value());
                        sends += o.sends().size();
                    }
                }
                sends += core.commit(all).snapshots().size();
            }
            double dt = (System.nanoTime() - t0) / 1e9;
            times.add(dt);
            System.out.printf("agent core, round %d: %d events in %.2f s: %.2f M events/s, %.0f simulated node-seconds "
                    + "per s, %d records to send%n", rep, core.stats().applied, dt, core.stats().applied / dt / 1e6,
                    nodes * (spec.durationNs() / 1e9) / dt, sends);
        }
        // the heap the hosted nodes hold at the end of their workload (the last round, which releases them, held back)
        long before = FootprintHarness.usedAfterGc();
        AgentCore held = new AgentCore(new AgentSettings(KernelConfig.parse(spec.kernel()), 1_000_000_000L, partitions),
                "w", "c");
        long[] offsets = new long[partitions];
        List<Integer> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(p);
        }
        for (List<List<PartitionJob.NodeRecord>> round : rounds.subList(0, rounds.size() - 1)) {
            for (int p = 0; p < partitions; p++) {
                for (PartitionJob.NodeRecord r : round.get(p)) {
                    held.workload(p, offsets[p]++, r.nodeId(), r.value());
                }
            }
            held.commit(all);
        }
        long after = FootprintHarness.usedAfterGc();
        System.out.printf("heap held by %d hosted nodes at the end of their workload: %.1f MiB (%.1f KiB per node)%n",
                held.hostedNodes(), (after - before) / 1048576.0, (after - before) / 1024.0 / Math.max(1, held.hostedNodes()));
        java.util.Collections.sort(times);
        System.out.printf("best %.2f s (%.0f node-s/s), median %.2f s%n", times.get(0),
                nodes * (spec.durationNs() / 1e9) / times.get(0), times.get(times.size() / 2));
    }
}
