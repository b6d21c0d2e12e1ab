package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memfleet.common.Topics;
import io.memfleet.common.kafka.FleetTopics;
import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.it.testing.EmbeddedBrokerTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fleet's topics are served as soon as FleetTopics.ensure returns: a burst produced at once,
 * many batches in flight per partition, all lands (a produce refused by a leader that is not yet
 * serving its partition once left an idempotent producer's first batch behind its later ones, and
 * the first batch was lost).
 */
@Timeout(180)
class FleetTopicsIT extends EmbeddedBrokerTest {
    @Test
    void aBurstProducedRightAfterTheTopicsAreCreatedAllLands() throws Exception {
        Topics topics = FleetTopics.ensure(broker.bootstrapServers(), new Topics("burst", 12), Duration.ofSeconds(60));
        byte[] value = new byte[8192];
        int records = 12_000;
        List<Future<RecordMetadata>> sent = new ArrayList<>(records);
        try (KafkaProducer<String, byte[]> p = KafkaClients.producer(broker.bootstrapServers(), "burst-producer")) {
            for (int i = 0; i < records; i++) {
                sent.add(p.send(new ProducerRecord<>(topics.workload(), i % 12, "node-" + i, value)));
            }
            p.flush();
        }
        for (Future<RecordMetadata> f : sent) {
            f.get(); // throws for a lost record
        }
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (int p = 0; p < 12; p++) {
            ends.put(new TopicPartition(topics.workload(), p), OffsetSpec.latest());
        }
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers(), "burst-admin")) {
            long total = 0;
            for (var e : admin.listOffsets(ends).all().get().entrySet()) {
                assertEquals(records / 12, e.getValue().offset(), e.getKey().toString());
                total += e.getValue().offset();
            }
            assertEquals(records, total);
        }
    }
}
