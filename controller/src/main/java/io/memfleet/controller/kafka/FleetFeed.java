package io.memfleet.controller.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memfleet.agent.kafka.KafkaClients;
import io.memfleet.common.Topics;
import io.memfleet.proto.v1.ConfigAck;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.NodeTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads the desired-state, telemetry and ack topics from the beginning on its own thread (plain kafka-clients)
 * and hands each poll's records, decoded, to the controller's event loop through {@code sink}.
 * The controller keeps no state of its own: a restart rebuilds it from the topics.
 */
public final class FleetFeed implements Runnable, AutoCloseable {
    /** One poll's worth of decoded records. */
    public record Batch(List<ConfigRollout> rollouts, List<NodeTelemetry> telemetry, List<ConfigAck> acks,
                        int undecodable) { }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topics topics;
    private final Consumer<Batch> sink;
    private volatile boolean running = true;

    public FleetFeed(String bootstrap, Topics topics, Consumer<Batch> sink) {
        this.consumer = KafkaClients.consumer(bootstrap, null, topics.prefix() + "-controller");
        this.topics = topics;
        this.sink = sink;
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : List.of(topics.configDesired(), topics.telemetry(), topics.configAcks())) {
                consumer.partitionsFor(t).forEach(p -> tps.add(new TopicPartition(t, p.partition())));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            while (running) {
                List<ConfigRollout> rollouts = new ArrayList<>();
                List<NodeTelemetry> tel = new ArrayList<>();
                List<ConfigAck> acks = new ArrayList<>();
                int bad = 0;
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (r.topic().equals(topics.telemetry())) {
                            tel.add(NodeTelemetry.parseFrom(r.value()));
                        } else if (r.topic().equals(topics.configDesired())) {
                            rollouts.add(ConfigRollout.parseFrom(r.value()));
                        } else {
                            acks.add(ConfigAck.parseFrom(r.value()));
                        }
                    } catch (InvalidProtocolBufferException | NullPointerException e) {
                        bad++;
                        System.err.println("memfleet controller: skipping an unreadable record at " + r.topic() + "-"
                                + r.partition() + "@" + r.offset());
                    }
                }
                if (!rollouts.isEmpty() || !tel.isEmpty() || !acks.isEmpty() || bad > 0) {
                    sink.accept(new Batch(rollouts, tel, acks, bad));
                }
            }
        } catch (WakeupException e) {
            // closed
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
