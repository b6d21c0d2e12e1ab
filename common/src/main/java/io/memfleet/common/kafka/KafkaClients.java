package io.memfleet.common.kafka;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka client factories with the settings memfleet relies on: keys are strings, values protobuf
 * bytes; producers are idempotent with acks=all (nothing is lost or duplicated when a broker
 * fails) and compress as MEMFLEET_COMPRESSION says (none by default; lz4 or zstd where the
 * network is the bottleneck); consumers commit manually and read committed data from the earliest
 * offset. Settings from {@code --kafka-config} (TLS, SASL, timeouts) are laid over these in every
 * client, except the ones the fleet's guarantees rest on.
 */
public final class KafkaClients {
    /** What a settings file may not change: delivery, isolation, commits and (de)serialisation. */
    static final Set<String> FIXED = Set.of(ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.CLIENT_ID_CONFIG, ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    private static volatile Map<String, String> extra = Map.of();

    private KafkaClients() {
    }

    /**
     * Checks a settings file's entries and makes them apply to every client this process creates
     * from now on; throws IllegalArgumentException naming the first key that is unknown to
     * Kafka's clients or that memfleet does not let a file change.
     */
    public static void configure(Map<String, String> settings) {
        Set<String> known = new HashSet<>(ProducerConfig.configNames());
        known.addAll(ConsumerConfig.configNames());
        known.addAll(AdminClientConfig.configNames());
        for (String k : new TreeSet<>(settings.keySet())) {
            if (FIXED.contains(k)) {
                throw new IllegalArgumentException(k + ": memfleet sets this itself (its delivery and isolation "
                        + "guarantees depend on it)");
            }
            if (!known.contains(k)) {
                throw new IllegalArgumentException(k + ": not a Kafka client setting");
            }
        }
        extra = Map.copyOf(settings);
    }

    /** The settings a file added, for a client of {@code kind} (only the keys that client knows). */
    static Map<String, String> extraFor(Set<String> names) {
        Map<String, String> m = new TreeMap<>();
        extra.forEach((k, v) -> {
            if (names.contains(k)) {
                m.put(k, v);
            }
        });
        return m;
    }

    public static KafkaProducer<String, byte[]> producer(String bootstrap, String clientId) {
        return new KafkaProducer<>(producerProperties(bootstrap, clientId), new StringSerializer(),
                new ByteArraySerializer());
    }

    /**
     * A transactional producer: what it sends in a transaction becomes visible to read_committed
     * consumers only when the transaction commits, together with the consumer offsets it sent;
     * a transaction whose offsets the group refuses (its member was deposed) is aborted. The
     * transaction timeout bounds how long an abandoned transaction (its process killed) keeps
     * readers waiting.
     */
    public static KafkaProducer<String, byte[]> transactionalProducer(String bootstrap, String clientId,
                                                                     String transactionalId) {
        Properties p = producerProperties(bootstrap, clientId);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "15000");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static Properties producerProperties(String bootstrap, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        // Kafka's default, none: on loopback and fast networks the CPU matters more than the bytes
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, System.getenv().getOrDefault("MEMFLEET_COMPRESSION", "none"));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "67108864");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, "33554432");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.putAll(extraFor(ProducerConfig.configNames()));
        return p;
    }

    /** A consumer in {@code groupId} (null: no group, for assign()), reading from the earliest offset, manual commits. */
    public static KafkaConsumer<String, byte[]> consumer(String bootstrap, String groupId, String clientId) {
        return consumer(bootstrap, groupId, clientId, Map.of());
    }

    public static KafkaConsumer<String, byte[]> consumer(String bootstrap, String groupId, String clientId,
                                                         Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "67108864");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "67108864");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putAll(extraFor(ConsumerConfig.configNames()));
        p.putAll(overrides);
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    public static Admin admin(String bootstrap, String clientId) {
        Map<String, Object> p = new HashMap<>(extraFor(AdminClientConfig.configNames()));
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return Admin.create(p);
    }
}
