package io.memfleet.workload.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memfleet.common.Topics;
import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.common.kafka.TopicScan;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.GenerationProgress;
import io.memfleet.workload.gen.PartitionJob;
import io.memfleet.workload.gen.RolloutPlan;
import io.memfleet.workload.spec.ExperimentException;
import io.memfleet.workload.spec.ExperimentParser;
import io.memfleet.workload.spec.ExperimentSpec;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A workload generator: it follows the experiments topic, takes a share of the workload
 * partitions through the generators' consumer group (on the generation topic, whose records are
 * its progress), and for every experiment being generated publishes the events of the nodes in
 * its partitions a round at a time: only while the agents are less than the lag bound behind in
 * that partition, never ahead of the experiment's pace, and each round's progress is recorded
 * once its records are acknowledged, so another generator resumes where it stopped.
 */
public final class GeneratorLoop implements Runnable, AutoCloseable {
    private static final Duration IDLE_POLL = Duration.ofMillis(100);

    private final GeneratorConfig cfg;
    private final Topics topics;
    private final PrintStream log;
    private final KafkaConsumer<String, byte[]> experiments;
    private final KafkaConsumer<String, byte[]> group;
    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;
    private final LagProbe lag;
    private final ExecutorService workers;
    /** The latest record of every experiment, and the parsed spec of those being generated. */
    private final Map<String, Experiment> known = new LinkedHashMap<>();
    private final Map<String, ExperimentSpec> specs = new HashMap<>();
    private final Set<Integer> owned = new HashSet<>();
    /** Progress found for owned partitions when they were assigned: partition to experiment to record. */
    private final Map<Integer, Map<String, GenerationProgress>> resumeFrom = new HashMap<>();
    /** Jobs by partition, then experiment. */
    private final Map<Integer, Map<String, PartitionJob>> jobs = new TreeMap<>();
    private final Map<String, Long> startedNanos = new HashMap<>();
    private volatile boolean running = true;
    private volatile boolean stopped;
    public final AtomicLong recordsPublished = new AtomicLong();
    public final AtomicLong eventsPublished = new AtomicLong();

    public GeneratorLoop(GeneratorConfig cfg, PrintStream log) {
        this.cfg = cfg;
        this.topics = cfg.topics();
        this.log = log;
        this.experiments = KafkaClients.consumer(cfg.bootstrap(), null, cfg.clientId() + "-experiments");
        this.group = KafkaClients.consumer(cfg.bootstrap(), topics.generatorGroup(), cfg.clientId(),
                java.util.Map.of("session.timeout.ms", 10_000, "heartbeat.interval.ms", 3_000));
        this.producer = KafkaClients.producer(cfg.bootstrap(), cfg.clientId());
        this.admin = KafkaClients.admin(cfg.bootstrap(), cfg.clientId() + "-lag");
        this.lag = new LagProbe(admin, topics, 200);
        this.workers = Executors.newFixedThreadPool(cfg.threads(), r -> {
            Thread t = new Thread(r, cfg.clientId() + "-worker");
            t.setDaemon(true);
            return t;
        });
    }

    public boolean isRunning() {
        return !stopped;
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> exp = List.of(new TopicPartition(topics.experiments(), 0));
            experiments.assign(exp);
            experiments.seekToBeginning(exp);
            group.subscribe(List.of(topics.generation()), new Rebalance());
            while (running) {
                boolean busy = false;
                group.poll(Duration.ZERO); // membership; its records are our own progress
                for (ConsumerRecord<String, byte[]> r : experiments.poll(Duration.ZERO)) {
                    experiment(r);
                }
                plan();
                busy |= retryUnstored();
                for (PartitionJob j : activeJobs()) {
                    busy |= step(j);
                }
                if (!busy) {
                    for (ConsumerRecord<String, byte[]> r : experiments.poll(IDLE_POLL)) {
                        experiment(r);
                    }
                }
            }
        } catch (WakeupException e) {
            // close() woke a poll
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.println("memfleet generator: stopping after an unexpected failure: " + e);
            throw e;
        } finally {
            workers.shutdownNow();
            group.close();
            experiments.close();
            producer.close(Duration.ofSeconds(5));
            admin.close(Duration.ofSeconds(5));
            stopped = true;
        }
    }

    @Override
    public void close() {
        running = false;
        group.wakeup();
        experiments.wakeup();
    }

    private void experiment(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            known.remove(r.key());
            specs.remove(r.key());
            return;
        }
        try {
            Experiment e = Experiment.parseFrom(r.value());
            known.put(e.getId(), e);
            if (active(e) && !specs.containsKey(e.getId())) {
                specs.put(e.getId(), ExperimentParser.parse(e.getSubmission()));
            }
        } catch (InvalidProtocolBufferException ex) {
            log.println("memfleet generator: skipping an unreadable experiment record at " + r.topic() + "-"
                    + r.partition() + "@" + r.offset());
        } catch (ExperimentException ex) {
            log.println("memfleet generator: experiment " + r.key() + " does not parse (" + ex.getMessage() + ")");
        }
    }

    private static boolean active(Experiment e) {
        return e.getState() == ExperimentState.ACCEPTED || e.getState() == ExperimentState.GENERATING;
    }

    /** Creates the jobs of owned partitions for experiments being generated; cancels or drops the rest. */
    private void plan() {
        for (Experiment e : known.values()) {
            ExperimentSpec spec = specs.get(e.getId());
            for (int p : owned) {
                Map<String, PartitionJob> pj = jobs.computeIfAbsent(p, k -> new LinkedHashMap<>());
                PartitionJob j = pj.get(e.getId());
                if (j == null && active(e) && spec != null) {
                    GenerationProgress from = resumeFrom.getOrDefault(p, Map.of()).get(e.getId());
                    if (from == null || !from.getDone()) {
                        pj.put(e.getId(), new PartitionJob(e.getId(), spec, p, topics.partitions(), from,
                                RolloutPlan.Verdicts.of(e.getDecisionsList())));
                        startedNanos.putIfAbsent(e.getId(), System.nanoTime());
                    }
                } else if (j != null && active(e)) {
                    j.verdicts(RolloutPlan.Verdicts.of(e.getDecisionsList())); // a rollout's next wave may go on
                } else if (j != null && e.getState() == ExperimentState.CANCELLED) {
                    publish(j, j.cancel());
                    pj.remove(e.getId());
                } else if (j != null && !active(e)) {
                    pj.remove(e.getId());
                }
            }
        }
    }

    private List<PartitionJob> activeJobs() {
        List<PartitionJob> out = new ArrayList<>();
        for (Map<String, PartitionJob> m : jobs.values()) {
            for (PartitionJob j : m.values()) {
                if (!j.finished()) {
                    out.add(j);
                }
            }
        }
        return out;
    }

    /** Publishes the job's next round if backpressure and pace allow; true if it did. */
    private boolean step(PartitionJob j) throws InterruptedException {
        if (unstored.containsKey(j)) {
            return false; // its last round is sent again first
        }
        if (j.blocked()) {
            return false; // its nodes are at a rollout's decision time: the verdict comes on the experiments topic
        }
        if (lag.lag(j.partition(), cfg.maxLagRecords()) > cfg.maxLagRecords()) {
            return false;
        }
        ExperimentSpec spec = specs.get(j.experimentId());
        if (spec.speed() > 0) {
            long dueNanos = startedNanos.get(j.experimentId()) + (long) (j.simTimeNs() / spec.speed());
            if (System.nanoTime() < dueNanos) {
                return false;
            }
        }
        publish(j, j.nextRound(cfg.stepsPerRecord(), workers, cfg.threads()));
        return true;
    }

    /** A round the cluster did not store: sent again as it is (its bytes never change) until it is. */
    private record Unstored(List<PartitionJob.NodeRecord> records, int attempts, long nextNanos) { }

    /** Rounds waiting to be sent again, by job; a job with one publishes nothing new meanwhile. */
    private final Map<PartitionJob, Unstored> unstored = new LinkedHashMap<>();

    /**
     * Publishes a round and then the job's progress. A round the cluster did not store (a broker
     * lost midway, a send refused or timed out) sends no progress: the same records are sent again,
     * after a backoff growing to 10 s, until they are stored (the agents skip events they already
     * applied), so no node's events have a gap; a cancelled job's release records likewise.
     */
    private void publish(PartitionJob j, List<PartitionJob.NodeRecord> records) {
        Exception failed = send(j, records);
        if (failed != null) {
            log.println("memfleet generator: a round of " + j.experimentId() + " in workload partition " + j.partition()
                    + " was not stored (" + failed + "); sending it again until it is");
            unstored.put(j, new Unstored(records, 1, System.nanoTime() + backoffNanos(1)));
            return;
        }
        stored(j, records.size());
    }

    /** Sends the rounds whose backoff is over; true if any was tried. */
    private boolean retryUnstored() {
        boolean tried = false;
        for (Map.Entry<PartitionJob, Unstored> e : new ArrayList<>(unstored.entrySet())) {
            Unstored u = e.getValue();
            if (System.nanoTime() < u.nextNanos()) {
                continue;
            }
            tried = true;
            PartitionJob j = e.getKey();
            Exception failed = send(j, u.records());
            if (failed == null) {
                unstored.remove(j);
                log.println("memfleet generator: the round of " + j.experimentId() + " in workload partition "
                        + j.partition() + " is stored (attempt " + (u.attempts() + 1) + ")");
                stored(j, u.records().size());
            } else {
                unstored.put(j, new Unstored(u.records(), u.attempts() + 1,
                        System.nanoTime() + backoffNanos(u.attempts() + 1)));
            }
        }
        return tried;
    }

    private static long backoffNanos(int attempts) {
        return Math.min(10_000L, 250L << Math.min(attempts, 6)) * 1_000_000L;
    }

    /** Sends the records and waits for the cluster; the first failure, or null when every one is stored. */
    private Exception send(PartitionJob j, List<PartitionJob.NodeRecord> records) {
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            for (PartitionJob.NodeRecord r : records) {
                producer.send(new ProducerRecord<>(topics.workload(), j.partition(), r.nodeId(), r.value()), (md, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        } catch (org.apache.kafka.common.KafkaException e) {
            failed.compareAndSet(null, e);
        }
        return failed.get();
    }

    /** A round is stored: its progress is published for whoever resumes the partition. */
    private void stored(PartitionJob j, int records) {
        recordsPublished.addAndGet(records);
        GenerationProgress p = j.progress();
        eventsPublished.set(p.getEventsPublished());
        resumeFrom.computeIfAbsent(j.partition(), k -> new HashMap<>()).put(j.experimentId(), p);
        try {
            producer.send(new ProducerRecord<>(topics.generation(), j.partition(), j.experimentId() + "/" + j.partition(),
                    p.toByteArray()));
        } catch (org.apache.kafka.common.KafkaException e) {
            log.println("memfleet generator: the progress of " + j.experimentId() + " in partition " + j.partition()
                    + " was not stored (" + e + "); the next round's will be");
        }
        lag.published(j.partition(), records);
    }

    /** Reads the progress of newly owned partitions, so their jobs resume after the last acknowledged round. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            List<TopicPartition> tps = new ArrayList<>(parts);
            try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(cfg.bootstrap(), null,
                    cfg.clientId() + "-progress")) {
                TopicScan.readToEnd(c, tps, Duration.ofSeconds(60), r -> {
                    if (r.value() == null) {
                        return;
                    }
                    try {
                        GenerationProgress g = GenerationProgress.parseFrom(r.value());
                        resumeFrom.computeIfAbsent(r.partition(), k -> new HashMap<>()).put(g.getExperimentId(), g);
                    } catch (InvalidProtocolBufferException e) {
                        log.println("memfleet generator: skipping an unreadable progress record at " + r.topic() + "-"
                                + r.partition() + "@" + r.offset());
                    }
                });
            }
            for (TopicPartition tp : parts) {
                owned.add(tp.partition());
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            for (TopicPartition tp : parts) {
                owned.remove(tp.partition());
                jobs.remove(tp.partition());
                resumeFrom.remove(tp.partition());
            }
        }
    }
}
