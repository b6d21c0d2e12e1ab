package io.memfleet.agent.kafka;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.memfleet.agent.AgentConfig;
import io.memfleet.agent.model.ConfigReconciler;
import io.memfleet.agent.model.DecodedEvent;
import io.memfleet.agent.model.Protos;
import io.memfleet.agent.model.SimNode;
import io.memfleet.agent.model.WireDecoder;
import io.memfleet.common.Topics;
import io.memfleet.proto.v1.ConfigAck;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.DeadLetter;
import io.memfleet.proto.v1.FileAck;
import io.memfleet.proto.v1.NodeSnapshot;
import io.memfleet.proto.v1.NodeTelemetry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;

/**
 * The node-agent loop: hosts the nodes of the workload partitions this process is assigned,
 * applies each node's events in order, publishes telemetry, reconciles desired cgroup
 * configuration with per-file acks, dead-letters what it cannot process, and commits offsets only
 * after the snapshots of the nodes they cover are durable. All Kafka calls happen on the loop thread.
 */
public final class NodeAgent implements Runnable, AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final AgentConfig cfg;
    private final Topics topics;
    private final KafkaConsumer<String, byte[]> workload;
    private final KafkaConsumer<String, byte[]> config;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, SimNode> nodes = new HashMap<>();
    private final Map<Integer, Set<String>> nodesByPartition = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    private final Map<TopicPartition, Long> processed = new HashMap<>();
    private final Map<String, ConfigRollout> desired = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> appliedRollouts = new HashMap<>();
    /** Nodes whose snapshot could not be restored: their events are dead-lettered, not applied. */
    private final Set<String> broken = new HashSet<>();
    private volatile boolean running = true;
    private volatile boolean crash;
    private volatile boolean stopped;
    private long lastCommitMs;
    private int workloadPartitions;

    public final AtomicLong eventsApplied = new AtomicLong();
    public final AtomicLong recordsConsumed = new AtomicLong();
    public final AtomicLong deadLettered = new AtomicLong();
    public final AtomicLong duplicatesSkipped = new AtomicLong();
    public final AtomicLong telemetryPublished = new AtomicLong();
    public final AtomicLong hostedNodes = new AtomicLong();
    public final AtomicLong rebalances = new AtomicLong();
    public final AtomicLong restoreFailures = new AtomicLong();

    public NodeAgent(AgentConfig cfg) {
        this.cfg = cfg;
        this.topics = cfg.topics();
        this.workload = KafkaClients.consumer(cfg.bootstrap(), cfg.groupId(), cfg.clientId());
        this.config = KafkaClients.consumer(cfg.bootstrap(), null, cfg.clientId() + "-config");
        this.producer = KafkaClients.producer(cfg.bootstrap(), cfg.clientId());
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> configParts = config.partitionsFor(topics.configDesired()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            config.assign(configParts);
            config.seekToBeginning(configParts);
            workloadPartitions = workload.partitionsFor(topics.workload()).size();
            workload.subscribe(List.of(topics.workload()), new Rebalance());
            lastCommitMs = System.currentTimeMillis();
            while (running) {
                ConsumerRecords<String, byte[]> recs = workload.poll(POLL);
                for (ConsumerRecord<String, byte[]> r : recs) {
                    handleWorkload(r);
                    processed.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                }
                pollConfig(Duration.ZERO);
                if (System.currentTimeMillis() - lastCommitMs >= cfg.commitIntervalMs()) {
                    periodicCommit();
                }
            }
        } catch (WakeupException e) {
            // close() woke the poll
        } catch (RuntimeException | Error e) {
            // stop as a crash would: nothing more is committed, the next owner resumes from the last commit
            crash = true;
            System.err.println("memfleet agent: stopping without committing after an unexpected failure: " + e);
            throw e;
        } finally {
            shutdown();
        }
    }

    private void shutdown() {
        try {
            if (!crash) {
                try {
                    commit(new ArrayList<>(processed.keySet()));
                } catch (WakeupException e) {
                    commit(new ArrayList<>(processed.keySet())); // the wakeup from close() landed in the first commit
                }
            }
        } finally {
            try {
                workload.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                config.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                producer.close(Duration.ofSeconds(5));
            } finally {
                stopped = true;
            }
        }
    }

    /** False once the loop has ended (closed, crashed or failed). */
    public boolean isRunning() {
        return !stopped;
    }

    /** Stops after committing snapshots and offsets (a graceful shutdown). */
    @Override
    public void close() {
        running = false;
        workload.wakeup();
    }

    /** Stops without committing anything more, as a crash would. */
    public void crash() {
        crash = true;
        close();
    }

    private void handleWorkload(ConsumerRecord<String, byte[]> r) {
        recordsConsumed.incrementAndGet();
        if (r.key() == null || r.value() == null) {
            deadLetter(r, r.value(), "record without a node id key or a value");
            return;
        }
        int home = Utils.toPositive(Utils.murmur2(r.key().getBytes(StandardCharsets.UTF_8))) % workloadPartitions;
        if (r.partition() != home) {
            // a node lives in one partition (its snapshots too); a producer with another partitioner breaks that
            deadLetter(r, r.value(), "record for node " + r.key() + " on partition " + r.partition()
                    + "; the node's partition is " + home + " (key hash, as Kafka's default partitioner)");
            return;
        }
        List<DecodedEvent> events = new ArrayList<>();
        String batchNode;
        try {
            batchNode = WireDecoder.decodeBatch(r.value(), (node, seq, cmd, err, dump) -> events.add(new DecodedEvent(node, seq, cmd, err, dump)));
        } catch (InvalidProtocolBufferException e) {
            deadLetter(r, r.value(), "not a WorkloadBatch: " + e.getMessage());
            return;
        }
        if (!batchNode.isEmpty() && !batchNode.equals(r.key())) {
            deadLetter(r, r.value(), "batch for node '" + batchNode + "' in a record keyed '" + r.key() + "'");
            return;
        }
        boolean foreign = false;
        for (DecodedEvent e : events) {
            if (!e.nodeId().isEmpty() && !e.nodeId().equals(r.key())) {
                foreign = true;
                deadLetter(r, r.value(), "event seq " + e.seq() + " names node '" + e.nodeId()
                        + "' in a record keyed '" + r.key() + "'");
            }
        }
        List<DecodedEvent> mine = foreign
                ? events.stream().filter(e -> e.nodeId().isEmpty() || e.nodeId().equals(r.key())).toList() : events;
        if (mine.stream().anyMatch(e -> e.seq() == 0)) {
            deadLetter(r, r.value(), "node " + r.key() + ": events need a per-node seq (seq 0 cannot be deduplicated)");
            mine = mine.stream().filter(e -> e.seq() != 0).toList();
            foreign = true;
        }
        if (mine.isEmpty()) {
            return;
        }
        if (broken.contains(r.key())) {
            deadLetter(r, r.value(), "node " + r.key() + ": its state could not be restored from its snapshot;"
                    + " events are not applied to an empty node");
            return;
        }
        SimNode node = hostedNode(r.key(), r.partition());
        SimNode.BatchResult res = node.applyBatch(mine, foreign ? null : r.value(), this::publishTelemetry);
        eventsApplied.addAndGet(res.applied());
        duplicatesSkipped.addAndGet(res.duplicates());
        for (String why : res.rejected()) {
            deadLetter(r, r.value(), "node " + r.key() + " " + why);
        }
        dirty.add(node.nodeId());
        reconcile(node);
    }

    private SimNode hostedNode(String nodeId, int partition) {
        SimNode n = nodes.get(nodeId);
        if (n == null) {
            n = new SimNode(nodeId, cfg.kernel(), cfg.telemetryIntervalNs());
            host(n, partition);
        }
        return n;
    }

    private void host(SimNode n, int partition) {
        nodes.put(n.nodeId(), n);
        nodesByPartition.computeIfAbsent(partition, p -> new HashSet<>()).add(n.nodeId());
        hostedNodes.set(nodes.size());
    }

    private void publishTelemetry(NodeTelemetry t) {
        producer.send(new ProducerRecord<>(topics.telemetry(), t.getNodeId(), Protos.deterministicBytes(t)));
        telemetryPublished.incrementAndGet();
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, byte[] value, String reason) {
        deadLettered.incrementAndGet();
        System.err.println("memfleet agent: dead-lettered " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": "
                + reason);
        DeadLetter.Builder d = DeadLetter.newBuilder().setSourceTopic(r.topic()).setPartition(r.partition())
                .setOffset(r.offset()).setReason(reason);
        if (r.key() != null) {
            d.setKey(ByteString.copyFromUtf8(r.key()));
        }
        if (value != null) {
            d.setValue(ByteString.copyFrom(value));
        }
        producer.send(new ProducerRecord<>(topics.deadLetter(), r.key(), d.build().toByteArray()));
    }

    // ---- configuration -------------------------------------------------------------------

    private void pollConfig(Duration timeout) {
        ConsumerRecords<String, byte[]> recs = config.poll(timeout);
        if (recs.isEmpty()) {
            return;
        }
        for (ConsumerRecord<String, byte[]> r : recs) {
            if (r.value() == null) {
                desired.remove(r.key());
                continue;
            }
            try {
                ConfigRollout ro = ConfigRollout.parseFrom(r.value());
                desired.remove(ro.getRolloutId());
                desired.put(ro.getRolloutId(), ro);
            } catch (InvalidProtocolBufferException e) {
                deadLetter(r, r.value(), "not a ConfigRollout: " + e.getMessage());
            }
        }
        for (SimNode n : nodes.values()) {
            reconcile(n);
        }
    }

    /** Applies every desired rollout that selects the node and is newer than what it has. */
    private void reconcile(SimNode n) {
        if (desired.isEmpty()) {
            return;
        }
        Map<String, Long> applied = appliedRollouts.computeIfAbsent(n.nodeId(), k -> new HashMap<>());
        for (ConfigRollout ro : desired.values()) {
            if (!ConfigReconciler.selects(ro.getSelector(), n.nodeId())
                    || applied.getOrDefault(ro.getRolloutId(), -1L) >= ro.getGeneration()) {
                continue;
            }
            List<FileAck> acks = n.applyConfig(ConfigReconciler.plan(ro.getCgroupsList(), n.kernel().image()));
            applied.put(ro.getRolloutId(), ro.getGeneration());
            dirty.add(n.nodeId());
            ConfigAck ack = ConfigAck.newBuilder().setRolloutId(ro.getRolloutId()).setGeneration(ro.getGeneration())
                    .setNodeId(n.nodeId()).addAllFiles(acks).setComplete(true).build();
            producer.send(new ProducerRecord<>(topics.configAcks(), n.nodeId(), ack.toByteArray()));
        }
    }

    // ---- snapshots, commits, rebalance ------------------------------------------------------

    /** Commits on the timer; a rebalance in progress or a lost membership is not fatal. */
    private void periodicCommit() {
        try {
            commit(workload.assignment());
        } catch (RebalanceInProgressException e) {
            lastCommitMs = System.currentTimeMillis(); // the rebalance's revoke commits; try again next time
        } catch (CommitFailedException e) {
            System.err.println("memfleet agent: lost the group's partitions before committing: " + e.getMessage());
            drop(new ArrayList<>(processed.keySet()));
        }
    }

    /**
     * Publishes a snapshot segment of every dirty node in {@code parts}, waits until each is
     * acknowledged, and only then commits those partitions' offsets. A segment that fails stops the
     * agent without committing (its events are replayed by the next owner).
     */
    private void commit(Collection<TopicPartition> parts) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        List<SimNode> published = new ArrayList<>();
        for (TopicPartition tp : parts) {
            Long next = processed.get(tp);
            if (next != null) {
                offsets.put(tp, new OffsetAndMetadata(next));
            }
            for (String id : nodesByPartition.getOrDefault(tp.partition(), Set.of())) {
                if (dirty.contains(id)) {
                    SimNode n = nodes.get(id);
                    NodeSnapshot seg = snapshot(n);
                    sends.add(producer.send(new ProducerRecord<>(topics.snapshots(), tp.partition(),
                            SimNode.segmentKey(seg), seg.toByteArray())));
                    published.add(n);
                }
            }
        }
        producer.flush();
        for (Future<RecordMetadata> f : sends) {
            try {
                f.get();
            } catch (InterruptedException | ExecutionException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("a snapshot segment was not stored: " + e.getMessage(), e);
            }
        }
        for (SimNode n : published) {
            n.segmentStored();
            dirty.remove(n.nodeId());
        }
        if (!offsets.isEmpty()) {
            workload.commitSync(offsets);
        }
        lastCommitMs = System.currentTimeMillis();
    }

    private NodeSnapshot snapshot(SimNode n) {
        return n.snapshot().toBuilder().putAllAppliedRollouts(appliedRollouts.getOrDefault(n.nodeId(), Map.of())).build();
    }

    private void drop(Collection<TopicPartition> parts) {
        for (TopicPartition tp : parts) {
            for (String id : nodesByPartition.getOrDefault(tp.partition(), Set.of())) {
                nodes.remove(id);
                dirty.remove(id);
                broken.remove(id);
                appliedRollouts.remove(id);
            }
            nodesByPartition.remove(tp.partition());
            processed.remove(tp);
        }
        hostedNodes.set(nodes.size());
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            rebalances.incrementAndGet();
            try {
                if (!crash) {
                    commit(parts);
                }
            } finally {
                drop(parts);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> parts) {
            drop(parts);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            rebalances.incrementAndGet();
            List<Integer> ps = parts.stream().map(TopicPartition::partition).toList();
            // a node's snapshot lives in the same partition number as its workload (same key, same count)
            for (SnapshotLoader.Found f : SnapshotLoader.load(cfg.bootstrap(), topics.snapshots(), ps,
                    cfg.clientId(), Duration.ofSeconds(60)).values()) {
                NodeSnapshot s = f.segments().get(f.segments().size() - 1);
                try {
                    host(SimNode.restore(f.segments(), cfg.telemetryIntervalNs()), f.partition());
                    appliedRollouts.put(s.getNodeId(), new HashMap<>(s.getAppliedRolloutsMap()));
                } catch (RuntimeException e) {
                    // keep the agent and the partition's other nodes running; this node's events are
                    // dead-lettered rather than applied to an empty kernel (which would fork its history)
                    restoreFailures.incrementAndGet();
                    broken.add(s.getNodeId());
                    System.err.println("memfleet agent: snapshot of node " + s.getNodeId() + " in partition "
                            + f.partition() + " cannot be restored (" + e.getMessage() + "); its events are dead-lettered");
                }
            }
            pollConfig(Duration.ofMillis(200));
        }
    }
}
