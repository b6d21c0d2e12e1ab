package io.memfleet.bench;

import io.memfleet.agent.AgentConfig;
import io.memfleet.agent.core.AgentCore;
import io.memfleet.agent.core.AgentSettings;
import io.memfleet.agent.kafka.AgentLoop;
import io.memfleet.broker.EmbeddedKafka;
import io.memfleet.common.Topics;
import io.memfleet.common.kafka.FleetTopics;
import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.common.kafka.Partitions;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.protocol.WorkloadWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Node-agent scale on this machine: N nodes in one agent process fed through a real (embedded)
 * broker, against the same records handed to the agent core without Kafka. Prints the produce
 * rate, the Kafka ingestion rate, the direct rate, their ratio and the heap the hosted nodes hold.
 * Usage: AgentThroughputHarness [nodes] [eventsPerNode] [eventsPerRecord] [agentLoops].
 */
public final class AgentThroughputHarness {
    private AgentThroughputHarness() {
    }

    /** Script lines of one node: a cgroup with four tasks and a mix of memory operations. */
    static List<String> nodeLines(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>(count);
        lines.add("node cpus=2 mem=512M seed=" + seed);
        lines.add("mkdir /app");
        lines.add("echo 64M > /app/memory.limit_in_bytes");
        for (int p = 1; p <= 4; p++) {
            lines.add("spawn " + p + " /app cpu=" + (p % 2));
        }
        while (lines.size() < count) {
            int p = 1 + r.nextInt(4);
            int x = r.nextInt(100);
            if (x < 45) {
                lines.add("anon " + p + (r.nextInt(3) == 0 ? " -" : " +") + (4 * (1 + r.nextInt(8))) + "K");
            } else if (x < 65) {
                lines.add("file " + p + (r.nextInt(3) == 0 ? " -" : " +") + (4 * (1 + r.nextInt(4))) + "K");
            } else if (x < 80) {
                lines.add("dentry " + p + (r.nextInt(3) == 0 ? " -" : " +") + (1 + r.nextInt(3)));
            } else if (x < 98) {
                lines.add("kmalloc " + p + " " + (32 << r.nextInt(5)) + (r.nextBoolean() ? " -" : " +") + (1 + r.nextInt(3)));
            } else {
                lines.add("tick 100ms");
            }
        }
        return lines;
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int perNode = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int perRecord = args.length > 2 ? Integer.parseInt(args[2]) : 250;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        long total = (long) nodes * perNode;
        System.out.printf("workload: %d nodes x %d events = %d events, %d events per record%n", nodes, perNode, total,
                perRecord);
        // one record per node per slice, encoded once: the same bytes go to Kafka and to the direct run
        List<List<byte[]>> records = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            List<String> lines = nodeLines(perNode, n + 1);
            List<byte[]> rs = new ArrayList<>();
            for (int from = 0; from < perNode; from += perRecord) {
                List<String> slice = lines.subList(from, Math.min(perNode, from + perRecord));
                rs.add(WorkloadWriter.script("node-" + n, from + 1, slice.toArray(String[]::new)));
            }
            records.add(rs);
        }
        int partitions = 12;
        AgentCore direct = new AgentCore(new AgentSettings(KernelConfig.DEFAULT, 1_000_000_000L, partitions), "w", "c");
        long t0 = System.nanoTime();
        for (int n = 0; n < nodes; n++) {
            String id = "node-" + n;
            int p = Partitions.of(id, partitions);
            for (int i = 0; i < records.get(n).size(); i++) {
                direct.workload(p, i, id, records.get(n).get(i));
            }
        }
        double directRate = total / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("without Kafka: %.2f M events/s (one thread, decode + apply + log)%n", directRate / 1e6);
        direct = null;

        Path dir = Files.createTempDirectory("memfleet-bench-kafka");
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir)) {
            Topics topics = FleetTopics.ensure(broker.bootstrapServers(), new Topics("bench", partitions),
                    Duration.ofSeconds(60));
            t0 = System.nanoTime();
            long sent = 0;
            try (KafkaProducer<String, byte[]> p = KafkaClients.producer(broker.bootstrapServers(), "bench-producer")) {
                for (int i = 0; i < records.get(0).size(); i++) {
                    for (int n = 0; n < nodes; n++) {
                        p.send(new ProducerRecord<>(topics.workload(), "node-" + n, records.get(n).get(i)));
                        records.get(n).set(i, null);
                        sent++;
                    }
                }
                p.flush();
            }
            double produceRate = total / ((System.nanoTime() - t0) / 1e9);
            System.out.printf("produced %d records: %.2f M events/s%n", sent, produceRate / 1e6);
            records.clear();

            long heapBefore = FootprintHarness.usedAfterGc();
            List<AgentLoop> agents = new ArrayList<>();
            List<Thread> loops = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                AgentConfig cfg = new AgentConfig(broker.bootstrapServers(), topics, topics.agentGroup(), 1_000_000_000L,
                        5000, KernelConfig.DEFAULT, "bench-agent-" + i);
                agents.add(new AgentLoop(cfg, System.err));
                loops.add(new Thread(agents.get(i), "bench-agent-" + i));
            }
            long gcBefore = gcMillis();
            t0 = System.nanoTime();
            loops.forEach(Thread::start);
            long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            while (agents.stream().mapToLong(a -> a.status().eventsApplied()).sum() < total
                    && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000L);
            }
            long applied = agents.stream().mapToLong(a -> a.status().eventsApplied()).sum();
            long hosted = agents.stream().mapToLong(a -> a.status().hostedNodes()).sum();
            double kafkaSeconds = (System.nanoTime() - t0) / 1e9;
            double kafkaRate = applied / kafkaSeconds;
            long gcMs = gcMillis() - gcBefore;
            System.out.printf("GC during the Kafka phase: %.2f s of %.2f s (%.1f%%)%n", gcMs / 1e3, kafkaSeconds,
                    100.0 * gcMs / 1e3 / kafkaSeconds);
            System.out.printf("through Kafka: %.2f M events/s consumed and applied by %d agent loop(s) in one process "
                    + "(%d events, %d nodes hosted)%n", kafkaRate / 1e6, threads, applied, hosted);
            System.out.printf("Kafka / direct: %.2f%n", kafkaRate / directRate);
            long heapAfter = FootprintHarness.usedAfterGc();
            System.out.printf("heap held by %d hosted nodes: %.1f MiB (%.1f KiB per node, event logs included)%n",
                    hosted, (heapAfter - heapBefore) / 1048576.0, (heapAfter - heapBefore) / 1024.0 / Math.max(1, hosted));
            agents.forEach(AgentLoop::close);
            for (Thread t : loops) {
                t.join();
            }
        } finally {
            org.apache.kafka.common.utils.Utils.delete(dir.toFile());
        }
    }

    /** Milliseconds the JVM's collectors have spent so far (pauses of a stop-the-world collector). */
    private static long gcMillis() {
        long ms = 0;
        for (java.lang.management.GarbageCollectorMXBean b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, b.getCollectionTime());
        }
        return ms;
    }
}
