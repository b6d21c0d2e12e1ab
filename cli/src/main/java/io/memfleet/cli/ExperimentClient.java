package io.memfleet.cli;

import io.memfleet.protocol.ExperimentStates;
import com.google.protobuf.InvalidProtocolBufferException;
import io.memfleet.common.Topics;
import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.protocol.NodeIds;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentRequest;
import io.memfleet.proto.v1.ExperimentSeries;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.SeriesPoint;
import io.memfleet.proto.v1.Submission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A submitter's side of the experiment protocol, over Kafka alone: a request on the requests
 * topic, the controller's answer and progress on the experiments topic, and the nodes' final
 * states on the results topic (read from where the results topic ended before the submission).
 */
final class ExperimentClient implements AutoCloseable {
    private final Topics topics;
    private final String who;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> experiments;
    private final String bootstrap;
    private final Map<TopicPartition, Long> resultsFrom = new HashMap<>();
    /** Ctrl-C wakes this client's polls (the only thing another thread may do to a consumer). */
    private final AutoCloseable waker;

    /** The last record seen of every experiment (several may be followed one after the other). */
    private final Map<String, Experiment> latest = new HashMap<>();
    /** Submissions sent whose answer has not been read: after Ctrl-C, their experiments are still to be cancelled. */
    private final Set<String> unanswered = new LinkedHashSet<>();
    /** Asks a silent cluster whether it is there at all; made when first needed. */
    private org.apache.kafka.clients.admin.Admin probe;

    ExperimentClient(String bootstrap, Topics topics, String who) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.who = who;
        this.producer = KafkaClients.producer(bootstrap, who);
        this.experiments = KafkaClients.consumer(bootstrap, null, who + "-experiments");
        this.waker = Shutdown.process().wakeWith(experiments::wakeup);
        try {
            TopicPartition exp = new TopicPartition(topics.experiments(), 0);
            experiments.assign(List.of(exp));
            experiments.seekToEnd(List.of(exp));
            experiments.position(exp, Duration.ofSeconds(30));
            Shutdown.process().check();
            try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(bootstrap, null, who + "-results-end")) {
                List<TopicPartition> tps = new ArrayList<>();
                for (int p = 0; p < topics.partitions(); p++) {
                    tps.add(new TopicPartition(topics.results(), p));
                }
                resultsFrom.putAll(c.endOffsets(tps, Duration.ofSeconds(30)));
            }
        } catch (WakeupException | Shutdown.Interrupted e) {
            close();
            throw new Shutdown.Interrupted(); // Ctrl-C before anything was submitted
        }
    }

    /** Sends a submission; returns the request id the controller answers. */
    String submit(Submission s) {
        String id = UUID.randomUUID().toString();
        ExperimentRequest r = ExperimentRequest.newBuilder().setRequestId(id).setSubmit(s).setRequestedBy(who).build();
        unanswered.add(id);
        producer.send(new ProducerRecord<>(topics.experimentRequests(), id, r.toByteArray()));
        producer.flush();
        return id;
    }

    void cancel(String experimentId) {
        String id = UUID.randomUUID().toString();
        ExperimentRequest r = ExperimentRequest.newBuilder().setRequestId(id).setCancel(experimentId).setRequestedBy(who)
                .build();
        producer.send(new ProducerRecord<>(topics.experimentRequests(), id, r.toByteArray()));
        producer.flush();
    }

    /** The controller's answer to a request: the experiment it created, or a failed one naming why. */
    Experiment answer(String requestId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Experiment e : latest.values()) {
                if (e.getRequestId().equals(requestId)) {
                    unanswered.remove(requestId);
                    return e;
                }
            }
            poll(true);
        }
        throw new UserError("no controller answered within " + timeout.toSeconds() + " s: is 'memfleet controller' "
                + "running against " + bootstrap + " with topic prefix '" + topics.prefix() + "'?");
    }

    /** Follows an experiment until it ends; {@code progress} sees every record of it. Ctrl-C ends it with Interrupted. */
    Experiment follow(String experimentId, Consumer<Experiment> progress, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Experiment seen = latest.get(experimentId);
        if (seen != null && ExperimentStates.isFinal(seen.getState())) {
            return seen; // it ended while another experiment of this client was followed
        }
        ClusterWatch cluster = new ClusterWatch(System.nanoTime(), QUIET.toNanos(), PROBE_EVERY.toNanos(),
                GONE.toNanos());
        while (System.nanoTime() < deadline) {
            List<Experiment> seenNow = poll(true);
            if (!seenNow.isEmpty()) {
                cluster.heard(System.nanoTime());
            }
            for (Experiment e : seenNow) {
                if (e.getId().equals(experimentId)) {
                    progress.accept(e);
                    if (ExperimentStates.isFinal(e.getState())) {
                        return e;
                    }
                }
            }
            long now = System.nanoTime();
            if (cluster.probeDue(now)) {
                cluster.probed(now, clusterAnswers());
            }
            if (cluster.gone(System.nanoTime())) {
                throw new UserError("the Kafka cluster at " + bootstrap + " has not answered for "
                        + cluster.silentSeconds(System.nanoTime()) + " s (a broker stopped? its disk full?): experiment "
                        + experimentId + " is not followed any more; it goes on if the cluster comes back");
            }
        }
        throw new UserError("experiment " + experimentId + " did not finish within " + timeout.toMinutes()
                + " minutes (see --timeout)");
    }

    /** Follow: after this long without a record, ask the cluster; gone once it has not answered for GONE. */
    private static final Duration QUIET = Duration.ofSeconds(20);
    private static final Duration PROBE_EVERY = Duration.ofSeconds(10);
    private static final Duration GONE = Duration.ofSeconds(45);

    /** Whether any broker of the cluster answers a metadata request within a few seconds. */
    private boolean clusterAnswers() {
        try {
            if (probe == null) {
                probe = KafkaClients.admin(bootstrap, who + "-probe");
            }
            probe.describeCluster().nodes().get(5, java.util.concurrent.TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | org.apache.kafka.common.KafkaException e) {
            return false; // no answer (or its address no longer resolves)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Shutdown.Interrupted();
        }
    }

    /** The experiments of submissions whose answer came after Ctrl-C, and how many got none. */
    record LateAnswers(List<String> experimentIds, int unanswered) { }

    /**
     * After Ctrl-C: waits up to {@code timeout} (not interruptible) for the controller's answers to
     * submissions sent but not yet answered, so their experiments can be cancelled too.
     */
    LateAnswers lateAnswers(Duration timeout) {
        List<String> ids = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!unanswered.isEmpty()) {
            for (Experiment e : latest.values()) {
                if (unanswered.remove(e.getRequestId()) && e.getState() != ExperimentState.FAILED) {
                    ids.add(e.getId());
                }
            }
            if (unanswered.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            poll(false);
        }
        return new LateAnswers(ids, unanswered.size());
    }

    /** What a cancellation came to. */
    enum Cancelled { CANCELLED, ENDED_BEFORE, UNCONFIRMED }

    /** Asks the controller to cancel an experiment and waits up to {@code timeout} for it to say so. */
    Cancelled cancelAndConfirm(String experimentId, Duration timeout) {
        Experiment seen = latest.get(experimentId);
        if (seen != null && ExperimentStates.isFinal(seen.getState())) {
            return ended(seen);
        }
        try {
            cancel(experimentId);
        } catch (KafkaException e) {
            return Cancelled.UNCONFIRMED;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Experiment e : poll(false)) {
                if (e.getId().equals(experimentId) && ExperimentStates.isFinal(e.getState())) {
                    return ended(e);
                }
            }
        }
        return Cancelled.UNCONFIRMED;
    }

    private static Cancelled ended(Experiment e) {
        return e.getState() == ExperimentState.CANCELLED ? Cancelled.CANCELLED : Cancelled.ENDED_BEFORE;
    }

    /** One poll of the experiments topic; with {@code interruptible}, a stop request ends it with Interrupted. */
    private List<Experiment> poll(boolean interruptible) {
        if (interruptible) {
            Shutdown.process().check();
        }
        List<Experiment> out = new ArrayList<>();
        ConsumerRecords<String, byte[]> records;
        try {
            records = experiments.poll(Duration.ofMillis(200));
        } catch (WakeupException e) {
            if (interruptible) {
                Shutdown.process().check();
            }
            return out;
        }
        for (ConsumerRecord<String, byte[]> r : records) {
            if (r.value() == null) {
                continue;
            }
            try {
                Experiment e = Experiment.parseFrom(r.value());
                out.add(e);
                latest.put(e.getId(), e);
            } catch (InvalidProtocolBufferException e) {
                // not ours to judge: the controller reports what it cannot read
            }
        }
        return out;
    }

    /** What the fleet reported for a done experiment: each node's final state by index, and the time series. */
    record Results(Map<Integer, NodeTelemetry> finals, List<SeriesPoint> series) { }

    /**
     * The final states of the experiment's nodes and the chunks of its time series, read from the
     * results topic until all {@code nodes} and {@code seriesChunks} are in.
     */
    Results results(String experimentId, int nodes, int seriesChunks, Duration timeout) {
        Map<Integer, NodeTelemetry> out = new TreeMap<>();
        Map<Integer, ExperimentSeries> chunks = new TreeMap<>();
        String prefix = experimentId + "/";
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(bootstrap, null, who + "-results")) {
            c.assign(resultsFrom.keySet());
            resultsFrom.forEach(c::seek);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < nodes || chunks.size() < seriesChunks) {
                Shutdown.process().check();
                if (System.nanoTime() > deadline) {
                    throw new UserError("the final states of " + (nodes - out.size()) + " of " + nodes + " nodes and "
                            + (seriesChunks - chunks.size()) + " of " + seriesChunks
                            + " parts of the time series did not arrive within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() == null || r.value() == null) {
                        continue;
                    }
                    int chunk = NodeIds.seriesChunkOf(experimentId, r.key());
                    try {
                        if (chunk >= 0) {
                            chunks.putIfAbsent(chunk, ExperimentSeries.parseFrom(r.value()));
                        } else if (r.key().startsWith(prefix)) {
                            out.putIfAbsent(NodeIds.indexOf(r.key()), NodeTelemetry.parseFrom(r.value()));
                        }
                    } catch (InvalidProtocolBufferException e) {
                        throw new UserError("an unreadable result " + r.key() + " at " + r.topic() + "-"
                                + r.partition() + "@" + r.offset());
                    }
                }
            }
        }
        List<SeriesPoint> series = new java.util.ArrayList<>();
        chunks.values().forEach(x -> series.addAll(x.getPointsList()));
        return new Results(out, series);
    }

    @Override
    public void close() {
        try {
            waker.close();
        } catch (Exception e) {
            // only a set's removal
        }
        experiments.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        producer.close(Duration.ofSeconds(5));
        if (probe != null) {
            probe.close(Duration.ofSeconds(2));
        }
    }
}
