package io.memfleet.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real broker in this JVM: 1000 records through a 4-partition topic. */
@Timeout(120)
class EmbeddedKafkaIT {

    private static final String TOPIC = "it-records";
    private static final int RECORDS = 1000;

    @TempDir
    static Path dataDir;

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(dataDir);
        System.err.println("EmbeddedKafkaIT: broker ready in " + kafka.startupTime().toMillis() + " ms");
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            long t0 = System.nanoTime();
            kafka.close();
            kafka.close(); // idempotent
            System.err.println("EmbeddedKafkaIT: broker closed in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
    }

    @Test
    void producesAndConsumesThousandRecords() throws Exception {
        kafka.admin().createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(TOPIC, 4, (short) 1)))
                .all().get();

        long t0 = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                sent.add(producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i)));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                assertNotNull(f.get());
            }
        }

        Map<String, String> received = new HashMap<>();
        Set<Integer> partitions = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            int count = 0;
            while (count < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    received.put(r.key(), r.value());
                    partitions.add(r.partition());
                    count++;
                }
            }
            assertEquals(RECORDS, count, "records consumed (duplicates included)");
        }
        System.err.println("EmbeddedKafkaIT: produce+consume " + (System.nanoTime() - t0) / 1_000_000 + " ms");

        assertEquals(RECORDS, received.size());
        for (int i = 0; i < RECORDS; i++) {
            assertEquals("v" + i, received.get("k" + i));
        }
        assertEquals(4, partitions.size(), "keys spread over all partitions");
    }
}
