package io.memfleet.cli;

import io.memfleet.broker.EmbeddedKafka;
import io.memfleet.common.Topics;
import io.memfleet.common.kafka.FleetTopics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The cluster a command talks to: the one given with --bootstrap, or an embedded single-node
 * broker started here (the one place that decides this). Either way the fleet's topics exist once
 * it is open; closing stops an embedded broker.
 */
final class Bootstrap implements AutoCloseable {
    private final String address;
    private final EmbeddedKafka embedded;
    private final Path embeddedDir;
    private final Topics topics;

    private Bootstrap(String address, EmbeddedKafka embedded, Path embeddedDir, Topics topics) {
        this.address = address;
        this.embedded = embedded;
        this.embeddedDir = embeddedDir;
        this.topics = topics;
    }

    static Bootstrap open(KafkaOptions k, String who, PrintStream log) {
        k.applyClientConfig();
        Topics topics = k.topics();
        EmbeddedKafka broker = null;
        Path dir = null;
        String address = k.bootstrap;
        if (k.embedded()) {
            try {
                dir = Files.createTempDirectory("memfleet-kafka");
                // its data lives as long as the command, also when the command is interrupted
                Shutdown.process().temporary(dir);
                broker = EmbeddedKafka.start(dir);
            } catch (IOException | RuntimeException e) {
                deleteTree(dir);
                Shutdown.process().notTemporary(dir);
                throw new UserError("cannot start the embedded Kafka broker: " + e.getMessage());
            }
            address = broker.bootstrapServers();
            log.println("[" + who + "] embedded Kafka broker at " + address);
        }
        Topics actual;
        try {
            actual = FleetTopics.ensure(address, topics, Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            if (broker != null) {
                broker.close();
                deleteTree(dir);
                Shutdown.process().notTemporary(dir);
            }
            throw new UserError("cannot reach the Kafka cluster at " + address + " to create the fleet's topics ("
                    + e.getMessage() + ")");
        }
        if (actual.partitions() != topics.partitions()) {
            log.println("[" + who + "] the fleet's topics have " + actual.partitions() + " partitions (not "
                    + topics.partitions() + "): using those");
        }
        return new Bootstrap(address, broker, dir, actual);
    }

    /** The fleet's topics as they are on the cluster (the partition count is the cluster's). */
    Topics topics() {
        return topics;
    }

    String address() {
        return address;
    }

    boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public synchronized void close() {
        if (embedded != null) {
            embedded.close();
            deleteTree(embeddedDir);
            Shutdown.process().notTemporary(embeddedDir);
        }
    }

    /** Deletes a directory and everything under it, as far as it can (a leftover is only disk space). */
    static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            org.apache.kafka.common.utils.Utils.delete(dir.toFile());
        } catch (IOException e) {
            // best effort
        }
    }
}
