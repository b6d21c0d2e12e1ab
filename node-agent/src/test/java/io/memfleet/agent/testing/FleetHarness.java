package io.memfleet.agent.testing;

import io.memfleet.agent.AgentConfig;
import io.memfleet.agent.kafka.FleetTopics;
import io.memfleet.agent.kafka.KafkaClients;
import io.memfleet.agent.kafka.NodeAgent;
import io.memfleet.agent.model.EventMapper;
import io.memfleet.common.Topics;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.proto.v1.WorkloadBatch;
import io.memfleet.proto.v1.WorkloadEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A fleet on a real broker for integration tests: its own topic prefix, agents started on
 * threads, a producer of workload batches with per-node sequence numbers, and readers of the
 * output topics. Waits are polls with deadlines, never sleeps.
 */
public final class FleetHarness implements AutoCloseable {
    public static final Duration DEADLINE = Duration.ofSeconds(60);

    private final String bootstrap;
    private final Topics topics;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Long> seq = new HashMap<>();
    private final List<Running> agents = new ArrayList<>();

    private record Running(NodeAgent agent, Thread thread) { }

    public FleetHarness(String bootstrap, String prefix, int partitions) {
        this.bootstrap = bootstrap;
        this.topics = new Topics(prefix, partitions);
        FleetTopics.ensure(bootstrap, topics, DEADLINE);
        this.producer = KafkaClients.producer(bootstrap, prefix + "-test-producer");
    }

    public Topics topics() {
        return topics;
    }

    public AgentConfig agentConfig(String clientId) {
        return new AgentConfig(bootstrap, topics.prefix(), topics.partitions(), topics.prefix() + "-agents",
                1_000_000_000L, 200, KernelConfig.DEFAULT, clientId);
    }

    public NodeAgent startAgent(String clientId) {
        NodeAgent a = new NodeAgent(agentConfig(clientId));
        Thread t = new Thread(a, clientId);
        t.start();
        agents.add(new Running(a, t));
        return a;
    }

    /** Stops an agent gracefully (crash=false) or without committing (crash=true) and waits for it. */
    public void stopAgent(NodeAgent a, boolean crash) throws InterruptedException {
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

    /** Turns script lines into events with the node's next sequence numbers. */
    public List<WorkloadEvent> events(String node, String... lines) {
        List<WorkloadEvent> out = new ArrayList<>();
        for (String l : lines) {
            long s = seq.merge(node, 1L, Long::sum);
            WorkloadEvent e = EventMapper.fromScriptLine(node, s, l, l.startsWith("node"));
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** A sample request event for the node. */
    public WorkloadEvent sample(String node) {
        long s = seq.merge(node, 1L, Long::sum);
        return WorkloadEvent.newBuilder().setNodeId(node).setSeq(s)
                .setSample(io.memfleet.proto.v1.Sample.getDefaultInstance()).build();
    }

    public void send(String node, List<WorkloadEvent> events) {
        producer.send(new ProducerRecord<>(topics.workload(), node,
                WorkloadBatch.newBuilder().addAllEvents(events).build().toByteArray()));
    }

    public void sendRaw(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    /** Sends a workload batch for {@code node} to an explicit partition (to test misrouted records). */
    public void sendToPartition(int partition, String node, List<WorkloadEvent> events) {
        producer.send(new ProducerRecord<>(topics.workload(), partition, node,
                WorkloadBatch.newBuilder().addAllEvents(events).build().toByteArray()));
    }

    public void flush() {
        producer.flush();
    }

    /** Reads a topic from the beginning until {@code done} holds for what was read, or fails at the deadline. */
    public List<ConsumerRecord<String, byte[]>> readUntil(String topic, java.util.function.Predicate<List<ConsumerRecord<String, byte[]>>> done) {
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
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }

    @Override
    public void close() {
        try {
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
