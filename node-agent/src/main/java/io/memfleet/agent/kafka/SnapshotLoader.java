package io.memfleet.agent.kafka;

import io.memfleet.agent.core.StoredRecord;
import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.common.kafka.TopicScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads some partitions of the snapshot topic from the start to their end, record by record. */
final class SnapshotLoader {
    private SnapshotLoader() {
    }

    static Map<Integer, List<StoredRecord>> load(String bootstrap, String topic, Collection<Integer> partitions,
                                                 String clientId, Duration timeout) {
        Map<Integer, List<StoredRecord>> out = new HashMap<>();
        if (partitions.isEmpty()) {
            return out;
        }
        for (int p : partitions) {
            out.put(p, new ArrayList<>());
        }
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(bootstrap, null, clientId + "-snapshots")) {
            List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
            TopicScan.readToEnd(c, tps, timeout,
                    r -> out.get(r.partition()).add(new StoredRecord(r.key(), r.value(), r.offset())));
        }
        return out;
    }
}
