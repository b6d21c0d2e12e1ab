package io.memfleet.agent.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memfleet.proto.v1.NodeSnapshot;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the latest snapshot of every node in some partitions of the (compacted) snapshot topic. */
final class SnapshotLoader {
    /** A node's latest snapshot and the partition it was found in. */
    record Found(NodeSnapshot snapshot, int partition) { }

    private SnapshotLoader() {
    }

    static Map<String, Found> load(String bootstrap, String topic, Collection<Integer> partitions,
                                          String clientId, Duration timeout) {
        Map<String, Found> latest = new HashMap<>();
        if (partitions.isEmpty()) {
            return latest;
        }
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(bootstrap, null, clientId + "-snapshots")) {
            List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading snapshots of partitions " + partitions);
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        latest.remove(r.key());
                        continue;
                    }
                    try {
                        latest.put(r.key(), new Found(NodeSnapshot.parseFrom(r.value()), r.partition()));
                    } catch (InvalidProtocolBufferException e) {
                        System.err.println("memfleet agent: skipping an unreadable snapshot at " + r.topic() + "-"
                                + r.partition() + "@" + r.offset() + ": " + e.getMessage());
                    }
                }
            }
        }
        return latest;
    }
}
