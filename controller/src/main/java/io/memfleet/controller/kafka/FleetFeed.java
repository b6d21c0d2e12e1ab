package io.memfleet.controller.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memfleet.common.Topics;
import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.controller.experiment.FleetCore.Batch;
import io.memfleet.proto.v1.ConfigAck;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.DeadLetter;
import io.memfleet.proto.v1.ExperimentRequest;
import io.memfleet.proto.v1.GenerationProgress;
import io.memfleet.proto.v1.NodeTelemetry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The controller's Kafka input on its own thread (plain kafka-clients): the fleet's reports
 * (telemetry, acks, desired state, generation progress, dead letters) read from the beginning, and
 * the experiment requests read through the controller's consumer group. Each poll's records are
 * decoded and handed to the controller's event loop; requests are committed once it has handled
 * them. An unreadable record is reported with its topic, partition and offset and skipped.
 */
public final class FleetFeed implements Runnable, AutoCloseable {
    private final KafkaConsumer<String, byte[]> reports;
    private final KafkaConsumer<String, byte[]> requests;
    private final Topics topics;
    private final Function<Batch, CompletableFuture<Void>> sink;
    private final PrintStream log;
    private volatile boolean running = true;

    /** {@code sink} hands a batch to the event loop and completes once it is applied. */
    public FleetFeed(String bootstrap, Topics topics, String clientId, Function<Batch, CompletableFuture<Void>> sink,
                     PrintStream log) {
        this.reports = KafkaClients.consumer(bootstrap, null, clientId + "-reports");
        // the requests move to a new controller 10 s after the last was heard from, as the lease does
        this.requests = KafkaClients.consumer(bootstrap, topics.controllerGroup(), clientId + "-requests",
                java.util.Map.of("session.timeout.ms", ControllerLease.SESSION_TIMEOUT_MS,
                        "heartbeat.interval.ms", ControllerLease.SESSION_TIMEOUT_MS / 4));
        this.topics = topics;
        this.sink = sink;
        this.log = log;
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : List.of(topics.configDesired(), topics.telemetry(), topics.configAcks(), topics.generation(),
                    topics.deadLetter())) {
                reports.partitionsFor(t).forEach(p -> tps.add(new TopicPartition(t, p.partition())));
            }
            reports.assign(tps);
            reports.seekToBeginning(tps);
            requests.subscribe(List.of(topics.experimentRequests()));
            while (running) {
                Batch b = Batch.empty();
                for (ConsumerRecord<String, byte[]> r : reports.poll(Duration.ofMillis(100))) {
                    decode(r, b);
                }
                var reqs = requests.poll(Duration.ZERO);
                for (ConsumerRecord<String, byte[]> r : reqs) {
                    decode(r, b);
                }
                if (!b.isEmpty()) {
                    await(sink.apply(b));
                }
                if (!reqs.isEmpty()) {
                    requests.commitSync();
                }
            }
        } catch (WakeupException e) {
            // closed
        } finally {
            reports.close();
            requests.close();
        }
    }

    private static void await(CompletableFuture<Void> f) {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the controller did not take a batch of records: " + e, e);
        }
    }

    private void decode(ConsumerRecord<String, byte[]> r, Batch b) {
        try {
            if (r.value() == null) {
                return; // a tombstone of a compacted topic
            }
            String t = r.topic();
            if (t.equals(topics.telemetry())) {
                b.telemetry().add(NodeTelemetry.parseFrom(r.value()));
            } else if (t.equals(topics.configAcks())) {
                b.acks().add(ConfigAck.parseFrom(r.value()));
            } else if (t.equals(topics.configDesired())) {
                b.rollouts().add(ConfigRollout.parseFrom(r.value()));
            } else if (t.equals(topics.generation())) {
                b.progress().add(GenerationProgress.parseFrom(r.value()));
            } else if (t.equals(topics.deadLetter())) {
                b.deadLetters().add(DeadLetter.parseFrom(r.value()));
            } else {
                b.requests().add(ExperimentRequest.parseFrom(r.value()));
            }
        } catch (InvalidProtocolBufferException e) {
            log.println("memfleet controller: skipping an unreadable record at " + r.topic() + "-" + r.partition() + "@"
                    + r.offset() + " (key " + r.key() + "): " + e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        reports.wakeup();
        requests.wakeup();
    }
}
