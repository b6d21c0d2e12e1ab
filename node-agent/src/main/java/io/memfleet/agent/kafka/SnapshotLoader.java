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

/** Reads the snapshot segments of every node in some partitions of the snapshot topic. */
final class SnapshotLoader {
    /** A node's segments in order and the partition they were found in. */
    record Found(List<NodeSnapshot> segments, int partition) { }

    private SnapshotLoader() {
    }

    static Map<String, Found> load(String bootstrap, String topic, Collection<Integer> partitions,
                                          String clientId, Duration timeout) {
        Map<String, java.util.TreeMap<Long, NodeSnapshot>> byNode = new HashMap<>();
        Map<String, Integer> partitionOf = new HashMap<>();
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
                        continue;
                    }
                    try {
                        NodeSnapshot s = NodeSnapshot.parseFrom(r.value());
                        byNode.computeIfAbsent(s.getNodeId(), k -> new java.util.TreeMap<>()).put(s.getSegment(), s);
                        partitionOf.put(s.getNodeId(), r.partition());
                    } catch (InvalidProtocolBufferException e) {
                        System.err.println("memfleet agent: skipping an unreadable snapshot at " + r.topic() + "-"
                                + r.partition() + "@" + r.offset() + ": " + e.getMessage());
                    }
                }
            }
        }
        byNode.forEach((node, segs) -> latest.put(node, new Found(List.copyOf(segs.values()), partitionOf.get(node))));
        return latest;
    }
}
