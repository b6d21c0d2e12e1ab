package io.memfleet.common;

import java.util.List;
import java.util.Map;

/**
 * Every Kafka topic memfleet uses, in one place. Names are {@code <prefix>.<name>.v<schema>}; the
 * prefix (default {@code memfleet}) lets several fleets or tests share one cluster. Keys are node
 * ids except for the desired-state topic, keyed by rollout id. The workload, snapshot, telemetry
 * and ack topics have the same partition count so that a node's records share a partition number.
 */
public final class Topics {
    public static final String DEFAULT_PREFIX = "memfleet";
    public static final int DEFAULT_PARTITIONS = 12;

    /** A topic with its partition count and topic-level configs. */
    public record Spec(String name, int partitions, Map<String, String> configs, String key, String value) { }

    private final String prefix;
    private final int partitions;

    public Topics(String prefix, int partitions) {
        this.prefix = prefix;
        this.partitions = partitions;
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX, DEFAULT_PARTITIONS);
    }

    public String prefix() {
        return prefix;
    }

    public int partitions() {
        return partitions;
    }

    /** Workload events: key node id, value WorkloadBatch (many events of one node). */
    public String workload() {
        return prefix + ".workload.v1";
    }

    /** Desired cgroup configuration, compacted: key rollout id, value ConfigRollout. */
    public String configDesired() {
        return prefix + ".config.desired.v1";
    }

    /** Per-node configuration acks: key node id, value ConfigAck. */
    public String configAcks() {
        return prefix + ".config.acks.v1";
    }

    /** Accounting telemetry: key node id, value NodeTelemetry. */
    public String telemetry() {
        return prefix + ".telemetry.v1";
    }

    /** Node snapshot segments for resume and rebalance: key "node id/segment", value NodeSnapshot. */
    public String snapshots() {
        return prefix + ".snapshots.v1";
    }

    /** Records that could not be processed: key as received, value DeadLetter. */
    public String deadLetter() {
        return prefix + ".deadletter.v1";
    }

    public List<Spec> all() {
        Map<String, String> compacted = Map.of("cleanup.policy", "compact", "max.message.bytes", "67108864");
        return List.of(
                new Spec(workload(), partitions, Map.of(), "node id", "WorkloadBatch"),
                new Spec(configDesired(), 1, compacted, "rollout id", "ConfigRollout"),
                new Spec(configAcks(), partitions, Map.of(), "node id", "ConfigAck"),
                new Spec(telemetry(), partitions, Map.of(), "node id", "NodeTelemetry"),
                new Spec(snapshots(), partitions, Map.of("retention.ms", "-1", "max.message.bytes", "67108864"),
                        "node id/segment", "NodeSnapshot"),
                new Spec(deadLetter(), 1, Map.of(), "original key", "DeadLetter"));
    }
}
