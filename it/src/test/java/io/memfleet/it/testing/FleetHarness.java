package io.memfleet.it.testing;

import io.memfleet.agent.AgentConfig;
import io.memfleet.agent.kafka.AgentLoop;
import io.memfleet.common.Topics;
import io.memfleet.common.kafka.FleetTopics;
import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.protocol.WorkloadWriter;
import io.memfleet.workload.kafka.GeneratorConfig;
import io.memfleet.workload.kafka.RunningGenerator;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A fleet on a real broker for integration tests: its own topic prefix, agent loops started on
 * threads, a producer of workload records with per-node sequence numbers, and readers of the
 * output topics. Waits are polls with deadlines, never sleeps.
 */
public final class FleetHarness implements AutoCloseable {
    public static final Duration DEADLINE = Duration.ofSeconds(90);

    private final String bootstrap;
    private final Topics topics;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Long> seq = new HashMap<>();
    private final List<Running> agents = new ArrayList<>();
    private final List<RunningGenerator> generators = new ArrayList<>();

    private record Running(AgentLoop agent, Thread thread) { }

    public FleetHarness(String bootstrap, String prefix, int partitions) {
        this.bootstrap = bootstrap;
        this.topics = new Topics(prefix, partitions);
        FleetTopics.ensure(bootstrap, topics, DEADLINE);
        this.producer = KafkaClients.producer(bootstrap, prefix + "-test-producer");
    }

    public Topics topics() {
        return topics;
    }

    public String bootstrap() {
        return bootstrap;
    }

    public AgentConfig agentConfig(String clientId) {
        return new AgentConfig(bootstrap, topics, topics.agentGroup(), 1_000_000_000L, 200, KernelConfig.DEFAULT,
                clientId);
    }

    /** A workload generator with {@code threads} threads in the fleet's generator group, stopped by {@link #close()}. */
    public RunningGenerator startGenerator(int threads) {
        RunningGenerator g = RunningGenerator.start(new GeneratorConfig(bootstrap, topics, topics.prefix() + "-generator-"
                + generators.size(), threads, GeneratorConfig.DEFAULT_STEPS_PER_RECORD,
                GeneratorConfig.DEFAULT_MAX_LAG_RECORDS), new PrintStream(System.err, true));
        generators.add(g);
        return g;
    }

    /** {@code controller}, with a one-thread generator started beside it as the command line does. */
    public <T> T withGenerator(T controller) {
        startGenerator(1);
        return controller;
    }

    public AgentLoop startAgent(String clientId) {
        AgentLoop a = new AgentLoop(agentConfig(clientId), new PrintStream(System.err, true));
        Thread t = new Thread(a, clientId);
        t.start();
        agents.add(new Running(a, t));
        return a;
    }

    /** Stops an agent gracefully (crash=false) or without committing (crash=true) and waits for it. */
    public void stopAgent(AgentLoop a, boolean crash) throws InterruptedException {
        for (Running r : agents) {
            if (r.agent == a) {
                if (crash) {
                    a.crash();
                } else {
                    a.close();
                }
                r.thread.join(DEADLINE.toMillis());
            }
        }
    }

    /** A record of script lines for the node, with its next sequence numbers. */
    public byte[] record(String node, String... lines) {
        long first = seq.getOrDefault(node, 0L) + 1;
        int n = 0;
        for (String l : lines) {
            if (!l.isBlank()) {
                n++;
            }
        }
        seq.put(node, first + n - 1);
        return WorkloadWriter.script(node, first, lines);
    }

    /** A record asking for the node's final state: every file, then its release. */
    public byte[] finalSample(String node) {
        long s = seq.merge(node, 1L, Long::sum);
        return new WorkloadWriter().reset(node).sample(s, true, true).toByteArray();
    }

    /** A record asking for a telemetry sample of the node. */
    public byte[] sample(String node) {
        long s = seq.merge(node, 1L, Long::sum);
        return new WorkloadWriter().reset(node).sample(s, false, false).toByteArray();
    }

    public void send(String node, byte[] record) {
        producer.send(new ProducerRecord<>(topics.workload(), node, record));
    }

    public void send(String node, String... lines) {
        send(node, record(node, lines));
    }

    public void sendRaw(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    public void flush() {
        producer.flush();
    }

    /** Reads a topic from the beginning until {@code done} holds for what was read, or fails at the deadline. */
    public List<ConsumerRecord<String, byte[]>> readUntil(String topic, Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(bootstrap, null, topics.prefix() + "-reader")) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!done.test(seen)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out reading " + topic + " (" + seen.size() + " records read)");
                }
                c.poll(Duration.ofMillis(100)).forEach(seen::add);
            }
        }
        return seen;
    }

    public static void await(String what, BooleanSupplier cond) {
        await(what, DEADLINE, cond);
    }

    public static void await(String what, Duration timeout, BooleanSupplier cond) {
        await(what, timeout, cond, () -> "");
    }

    /** As {@link #await(String, Duration, BooleanSupplier)}, with what {@code detail} says in the failure. */
    public static void await(String what, Duration timeout, BooleanSupplier cond, java.util.function.Supplier<String> detail) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String d = detail.get();
                throw new AssertionError("timed out waiting for " + what + (d.isEmpty() ? "" : ": " + d));
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }

    @Override
    public void close() {
        try {
            generators.forEach(RunningGenerator::close);
            for (Running r : agents) {
                r.agent.close();
                r.thread.join(DEADLINE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            producer.close();
        }
    }
}
