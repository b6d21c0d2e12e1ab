package io.memfleet.cli;

import io.memfleet.common.Topics;
import io.memfleet.common.kafka.KafkaClients;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/** The flags every Kafka-facing command shares: which cluster, and which fleet's topics on it. */
final class KafkaOptions {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", defaultValue = "${env:MEMFLEET_BOOTSTRAP}",
            description = "Kafka bootstrap servers (env MEMFLEET_BOOTSTRAP); without them an embedded "
                    + "single-node broker is started on 127.0.0.1")
    String bootstrap;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "${env:MEMFLEET_TOPIC_PREFIX:-memfleet}",
            description = "prefix of every topic name: several fleets can share a cluster (default: ${DEFAULT-VALUE})")
    String topicPrefix;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "${env:MEMFLEET_PARTITIONS:-12}",
            description = "partitions of the per-node topics, used when creating them (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:MEMFLEET_KAFKA_CONFIG}",
            description = "Kafka client settings (a .properties file: security.protocol, ssl.*, sasl.*, timeouts) for "
                    + "every client of this process; with --bootstrap only (env MEMFLEET_KAFKA_CONFIG)")
    Path kafkaConfig;

    /** Reads --kafka-config and makes its settings apply to this process's Kafka clients. */
    void applyClientConfig() {
        if (kafkaConfig == null) {
            return;
        }
        if (embedded()) {
            throw new UserError("--kafka-config " + kafkaConfig + ": needs --bootstrap (the embedded broker is plain "
                    + "text on 127.0.0.1)", 2);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(kafkaConfig, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UserError("--kafka-config " + kafkaConfig + ": cannot read (" + e.getMessage() + ")", 2);
        } catch (IllegalArgumentException e) {
            throw new UserError("--kafka-config " + kafkaConfig + ": not a properties file (" + e.getMessage() + ")", 2);
        }
        Map<String, String> settings = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
        try {
            KafkaClients.configure(settings);
        } catch (IllegalArgumentException e) {
            throw new UserError("--kafka-config " + kafkaConfig + ": " + e.getMessage(), 2);
        }
    }

    boolean embedded() {
        return bootstrap == null || bootstrap.isBlank();
    }

    Topics topics() {
        try {
            return new Topics(topicPrefix, partitions);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), 2);
        }
    }
}
