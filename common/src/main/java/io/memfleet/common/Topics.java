package io.memfleet.common;

import java.util.List;
import java.util.Map;

/**
 * Every Kafka topic memfleet uses, in one place. Names are {@code <prefix>.<name>.v<schema>}; the
 * prefix (default {@code memfleet}) lets several fleets or tests share one cluster. The per-node
 * topics (workload, acks, telemetry, results, snapshots) and the generation topic have the same
 * partition count, so a node's records share one partition number everywhere.
 */
public final class Topics {
    public static final String DEFAULT_PREFIX = "memfleet";
    public static final int DEFAULT_PARTITIONS = 12;

    private static final String DAY_MS = Long.toString(24L * 3600 * 1000);
    private static final String WEEK_MS = Long.toString(7L * 24 * 3600 * 1000);
    private static final String MAX_MESSAGE = "67108864";

    /** A topic with its partition count, topic-level configs, and what its keys and values are. */
    public record Spec(String name, int partitions, Map<String, String> configs, String key, String value) { }

    private final String prefix;
    private final int partitions;

    public Topics(String prefix, int partitions) {
        if (!prefix.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("topic prefix '" + prefix + "': use 1-100 of A-Z a-z 0-9 . _ -");
        }
        if (partitions < 1 || partitions > 10_000) {
            throw new IllegalArgumentException("partitions must be 1 to 10000, got " + partitions);
        }
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

    /** Final node states (files included): key node id, value NodeTelemetry with files. */
    public String results() {
        return prefix + ".results.v1";
    }

    /** Node snapshots (segments, checkpoints, release markers), compacted: key node id/..., value NodeSnapshot. */
    public String snapshots() {
        return prefix + ".snapshots.v1";
    }

    /** Records that could not be processed: key as received, value DeadLetter. */
    public String deadLetter() {
        return prefix + ".deadletter.v1";
    }

    /** Submissions and cancellations for the controller: key request id, value ExperimentRequest. */
    public String experimentRequests() {
        return prefix + ".experiment-requests.v1";
    }

    /** Experiments and their lifecycle, compacted: key experiment id, value Experiment. */
    public String experiments() {
        return prefix + ".experiments.v1";
    }

    /** Workload generation progress, compacted: key experiment id/partition, value GenerationProgress. */
    public String generation() {
        return prefix + ".generation.v1";
    }

    /** The agents' consumer group. */
    public String agentGroup() {
        return prefix + "-agents";
    }

    /** The generators' consumer group (it shares out the workload partitions). */
    public String generatorGroup() {
        return prefix + "-generators";
    }

    /** The controller's consumer group on the request topic. */
    public String controllerGroup() {
        return prefix + "-controller";
    }

    public List<Spec> all() {
        Map<String, String> compacted = Map.of("cleanup.policy", "compact", "max.message.bytes", MAX_MESSAGE);
        return List.of(
                new Spec(workload(), partitions, Map.of("retention.ms", DAY_MS, "max.message.bytes", MAX_MESSAGE),
                        "node id", "WorkloadBatch"),
                new Spec(configDesired(), 1, compacted, "rollout id", "ConfigRollout"),
                new Spec(configAcks(), partitions, Map.of("retention.ms", DAY_MS, "max.message.bytes", MAX_MESSAGE),
                        "node id", "ConfigAck"),
                new Spec(telemetry(), partitions, Map.of("retention.ms", DAY_MS, "max.message.bytes", MAX_MESSAGE),
                        "node id", "NodeTelemetry"),
                new Spec(results(), partitions, Map.of("retention.ms", WEEK_MS, "max.message.bytes", MAX_MESSAGE),
                        "node id", "NodeTelemetry with files"),
                new Spec(snapshots(), partitions, Map.of("cleanup.policy", "compact", "max.message.bytes", MAX_MESSAGE,
                        "min.cleanable.dirty.ratio", "0.1", "segment.ms", "600000", "delete.retention.ms", "3600000"),
                        "node id/s/segment, node id/c", "NodeSnapshot"),
                new Spec(deadLetter(), 1, Map.of("retention.ms", WEEK_MS, "max.message.bytes", MAX_MESSAGE),
                        "original key", "DeadLetter"),
                new Spec(experimentRequests(), 1, Map.of("retention.ms", WEEK_MS, "max.message.bytes", MAX_MESSAGE),
                        "request id", "ExperimentRequest"),
                new Spec(experiments(), 1, compacted, "experiment id", "Experiment"),
                new Spec(generation(), partitions, compacted, "experiment id/partition", "GenerationProgress"));
    }
}
