package io.memfleet.agent.kafka;

import io.memfleet.agent.AgentConfig;
import io.memfleet.agent.core.AgentCore;
import io.memfleet.agent.core.CommitPlan;
import io.memfleet.agent.core.Outbox;
import io.memfleet.agent.core.Send;
import io.memfleet.agent.core.StoredRecord;
import io.memfleet.common.Topics;
import io.memfleet.common.kafka.KafkaClients;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The node-agent's Kafka adapter: it polls the workload partitions the group gives it and the
 * desired-state topic, hands every record to the {@link AgentCore}, sends what the core returns,
 * and at each commit (on a timer, at a rebalance, at shutdown) stores the snapshot records and the
 * offsets they cover in one transaction. The group checks the transaction's offsets against its
 * current generation, so an agent that was deposed (stopped past its session timeout, cut off)
 * and carries on as a zombie has its transaction refused and aborted: nothing it stores is ever
 * read, and its successor's state stands. All Kafka calls happen on the loop thread.
 */
public final class AgentLoop implements Runnable, AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final AgentConfig cfg;
    private final Topics topics;
    private final AgentCore core;
    private final KafkaConsumer<String, byte[]> workload;
    private final KafkaConsumer<String, byte[]> config;
    private final KafkaProducer<String, byte[]> producer;
    /** Snapshot records and offsets, in transactions. */
    private final KafkaProducer<String, byte[]> transactional;
    private final PrintStream log;
    private volatile boolean running = true;
    private volatile boolean crash;
    private volatile boolean stopped;
    private volatile Status status = new Status(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    /** Records the broker refused (the producer's callback thread counts them). */
    private final AtomicLong sendFailures = new AtomicLong();
    private long lastCommitMs;
    private long rebalances;
    private long commitsRefused;
    private long partitionsLost;

    /** What the loop has done so far, published after every poll. */
    public record Status(long records, long eventsApplied, long duplicates, long deadLettered, long telemetry,
                         int hostedNodes, long restoreFailures, long rebalances, long sendFailures,
                         long commitsRefused, long quarantined, long partitionsLost) { }

    public AgentLoop(AgentConfig cfg, PrintStream log) {
        this.cfg = cfg;
        this.topics = cfg.topics();
        this.log = log;
        this.core = new AgentCore(cfg.settings(), topics.workload(), topics.configDesired());
        // a dead agent's partitions move after 10 s (Kafka's default of 45 s leaves its nodes idle that long)
        this.workload = KafkaClients.consumer(cfg.bootstrap(), cfg.groupId(), cfg.clientId(),
                java.util.Map.of("session.timeout.ms", 10_000, "heartbeat.interval.ms", 3_000));
        this.config = KafkaClients.consumer(cfg.bootstrap(), null, cfg.clientId() + "-config");
        this.producer = KafkaClients.producer(cfg.bootstrap(), cfg.clientId());
        this.transactional = KafkaClients.transactionalProducer(cfg.bootstrap(), cfg.clientId() + "-snapshots",
                transactionalId(cfg));
    }

    /** One process's token: a loop started again in the same process fences its predecessor, two processes never clash. */
    private static final String PROCESS = java.util.UUID.randomUUID().toString().substring(0, 8);

    /** The transactional id of a loop: its group, its client id and this process. */
    static String transactionalId(AgentConfig cfg) {
        return cfg.groupId() + "/" + cfg.clientId() + "/" + PROCESS;
    }

    public Status status() {
        return status;
    }

    /** False once the loop has ended (closed, crashed or failed). */
    public boolean isRunning() {
        return !stopped;
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> desired = List.of(new TopicPartition(topics.configDesired(), 0));
            config.assign(desired);
            config.seekToBeginning(desired);
            transactional.initTransactions();
            workload.subscribe(List.of(topics.workload()), new Rebalance());
            lastCommitMs = System.currentTimeMillis();
            while (running) {
                for (ConsumerRecord<String, byte[]> r : workload.poll(POLL)) {
                    send(core.workload(r.partition(), r.offset(), r.key(), r.value()));
                    shedUnderPressure();
                }
                for (ConsumerRecord<String, byte[]> r : config.poll(Duration.ZERO)) {
                    send(core.rollout(r.offset(), r.key(), r.value()));
                }
                publishStatus();
                if (System.currentTimeMillis() - lastCommitMs >= cfg.commitIntervalMs()) {
                    periodicCommit();
                }
            }
        } catch (WakeupException e) {
            // close() woke the poll
        } catch (RuntimeException | Error e) {
            // stop as a crash would: nothing more is committed, the next owner resumes from the last commit
            crash = true;
            log.println("memfleet agent: stopping without committing after an unexpected failure: " + e);
            throw e;
        } finally {
            shutdown();
        }
    }

    /** A node goes, not the agent, when the heap stays nearly full after a collection. */
    private void shedUnderPressure() {
        String pressure = null;
        long estimate = core.heapEstimate();
        if (estimate != heapReported) { // the nodes' estimates move at their samples, not at every record
            heapReported = estimate;
            pressure = HeapWatch.shared().overBudget(this, estimate);
        }
        if (pressure == null) {
            pressure = HeapWatch.shared().owed(this);
        }
        long now = System.nanoTime();
        if (pressure == null && now - heapLookedAt >= HEAP_LOOK_NS) { // the JVM's own figure, ten times a second
            heapLookedAt = now;
            pressure = HeapWatch.shared().claim();
        }
        if (pressure != null) {
            send(core.shedHeaviest(pressure));
        }
    }

    private static final long HEAP_LOOK_NS = 100_000_000L;
    private long heapReported = -1;
    private long heapLookedAt;

    private void publishStatus() {
        AgentCore.Stats s = core.stats();
        status = new Status(s.records, s.applied, s.duplicates, s.deadLettered, s.telemetry, core.hostedNodes(),
                s.restoreFailures, rebalances, sendFailures.get(), commitsRefused,
                s.quarantined, partitionsLost);
    }

    private void shutdown() {
        try {
            if (!crash) {
                try {
                    commit(owned());
                } catch (WakeupException e) {
                    commit(owned());
                }
            }
        } finally {
            try {
                workload.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                config.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                producer.close(Duration.ofSeconds(5));
                transactional.close(Duration.ofSeconds(5));
            } finally {
                HeapWatch.shared().forget(this);
                publishStatus();
                stopped = true;
            }
        }
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

    private String topic(Send.Channel c) {
        return switch (c) {
            case TELEMETRY -> topics.telemetry();
            case RESULTS -> topics.results();
            case ACKS -> topics.configAcks();
            case SNAPSHOTS -> topics.snapshots();
            case DEAD_LETTER -> topics.deadLetter();
        };
    }

    private Future<RecordMetadata> send(Send s) {
        return send(producer, s);
    }

    private Future<RecordMetadata> send(KafkaProducer<String, byte[]> via, Send s) {
        String topic = topic(s.channel());
        return via.send(new ProducerRecord<>(topic, s.partition() < 0 ? null : s.partition(), s.key(), s.value()),
                (md, e) -> {
                    if (e != null) {
                        if (s.channel() == Send.Channel.RESULTS) {
                            unmetFinalState(s, e);
                        }
                        long n = sendFailures.incrementAndGet();
                        if (n <= 10 || Long.bitCount(n) == 1) { // the first ten, then at powers of two
                            log.println("memfleet agent: a record for " + s.key() + " ("
                                    + (s.value() == null ? 0 : s.value().length) + " bytes) "
                                    + "was not stored on " + topic + ": " + e + " (" + n + " so far)");
                        }
                    }
                });
    }

    /**
     * A node's final state the broker refused: its experiment can never complete, so a dead letter
     * for the node says why, and the controller fails the experiment with it at once.
     */
    private void unmetFinalState(Send s, Exception e) {
        String reason = "node " + s.key() + ": its final state (" + (s.value() == null ? 0 : s.value().length)
                + " bytes) could not be stored on " + topics.results() + ": " + e.getMessage();
        byte[] letter = io.memfleet.proto.v1.DeadLetter.newBuilder().setSourceTopic(topics.results())
                .setPartition(-1).setOffset(-1).setKey(com.google.protobuf.ByteString.copyFromUtf8(s.key()))
                .setReason(reason).build().toByteArray();
        producer.send(new ProducerRecord<>(topics.deadLetter(), s.key(), letter));
    }

    private void send(Outbox out) {
        for (Send s : out.sends()) {
            send(s);
        }
        for (String line : out.log()) {
            log.println("memfleet agent: " + line);
        }
    }

    /** Commits on the timer; a refused commit rebuilds the partitions' nodes from what was last stored. */
    private void periodicCommit() {
        List<Integer> owned = owned();
        if (!commit(owned)) {
            resync(owned);
        }
    }

    private List<Integer> owned() {
        return workload.assignment().stream().map(TopicPartition::partition).sorted().toList();
    }

    /**
     * Stores the commit's snapshot records and offsets in one transaction (the records
     * acknowledged before the offsets are sent, so a successor that waits for open transactions
     * sees both or neither), then sends what may only follow a commit. False if the transaction
     * was refused (the group moved on: a rebalance, or this member was deposed) and aborted;
     * a producer that cannot even abort stops the loop, and the next one resumes from the last commit.
     */
    private boolean commit(Collection<Integer> partitions) {
        CommitPlan plan = core.commit(partitions);
        Map<TopicPartition, OffsetAndMetadata> offsets = offsets(partitions, plan);
        if (!plan.snapshots().isEmpty() || !offsets.isEmpty()) {
            try {
                transactional.beginTransaction();
                for (Send s : plan.snapshots()) {
                    send(transactional, s);
                }
                transactional.flush();
                transactional.sendOffsetsToTransaction(offsets, workload.groupMetadata());
                transactional.commitTransaction();
            } catch (KafkaException e) {
                abort(e);
                return false;
            }
        }
        for (Send s : plan.afterCommit()) {
            send(s);
        }
        lastCommitMs = System.currentTimeMillis();
        return true;
    }

    private void abort(KafkaException cause) {
        commitsRefused++;
        log.println("memfleet agent: the commit was refused, nothing of it is kept (" + cause + ")");
        try {
            transactional.abortTransaction();
        } catch (KafkaException e) {
            throw new IllegalStateException("the snapshot producer cannot abort its transaction: " + e.getMessage(), e);
        }
        lastCommitMs = System.currentTimeMillis();
    }

    /**
     * The offsets of a commit: what the core processed, and for partitions it processed nothing of,
     * the consumer's position, so that every transaction carries offsets and is checked by the group.
     */
    private Map<TopicPartition, OffsetAndMetadata> offsets(Collection<Integer> partitions, CommitPlan plan) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new TreeMap<>(
                (a, b) -> Integer.compare(a.partition(), b.partition()));
        plan.offsets().forEach((p, o) -> offsets.put(new TopicPartition(topics.workload(), p), new OffsetAndMetadata(o)));
        if (!plan.snapshots().isEmpty()) {
            for (int p : partitions) {
                TopicPartition tp = new TopicPartition(topics.workload(), p);
                if (!offsets.containsKey(tp) && workload.assignment().contains(tp)) {
                    offsets.put(tp, new OffsetAndMetadata(workload.position(tp)));
                }
            }
        }
        return offsets;
    }

    /** After a refused commit: the partitions' nodes as last stored, and their events again from the last commit. */
    private void resync(List<Integer> partitions) {
        core.revoked(partitions);
        load(partitions);
        Set<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topics.workload(), p))
                .collect(java.util.stream.Collectors.toSet());
        Map<TopicPartition, OffsetAndMetadata> last = workload.committed(tps);
        for (TopicPartition tp : tps) {
            OffsetAndMetadata o = last.get(tp);
            if (o != null) {
                workload.seek(tp, o);
            } else {
                workload.seekToBeginning(List.of(tp));
            }
        }
    }

    /** Rebuilds the nodes of {@code partitions} from the snapshot topic and applies the desired state. */
    private void load(List<Integer> partitions) {
        // a node's snapshot lives in the same partition number as its workload (same key, same count)
        Map<Integer, List<StoredRecord>> found = SnapshotLoader.load(cfg.bootstrap(), topics.snapshots(), partitions,
                cfg.clientId(), Duration.ofSeconds(120));
        for (int p : partitions) {
            send(core.assigned(p, found.get(p)));
        }
        for (ConsumerRecord<String, byte[]> r : config.poll(Duration.ofMillis(200))) {
            send(core.rollout(r.offset(), r.key(), r.value()));
        }
        publishStatus();
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            rebalances++;
            List<Integer> ps = parts.stream().map(TopicPartition::partition).toList();
            try {
                if (!crash) {
                    commit(ps);
                }
            } finally {
                core.revoked(ps);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> parts) {
            partitionsLost += parts.size(); // the group moved on without this loop: it was deposed
            core.revoked(parts.stream().map(TopicPartition::partition).toList());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            rebalances++;
            load(parts.stream().map(TopicPartition::partition).sorted().toList());
        }
    }
}
