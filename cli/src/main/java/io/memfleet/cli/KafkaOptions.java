package io.memfleet.cli;

import io.memfleet.common.Topics;
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
