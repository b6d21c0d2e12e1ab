package io.memfleet.agent.core;

import io.memfleet.kernel.api.KernelConfig;

/**
 * What the agent core needs to decide: the kernel options of new nodes, the simulated time between
 * a node's telemetry samples, the workload partition count (a node lives in the partition its id
 * hashes to), and when a node's snapshot is compacted into a checkpoint: once the segments stored
 * since its last checkpoint exceed both {@code checkpointMinBytes} and {@code checkpointFactor}
 * times that checkpoint's size, so a restore replays a bounded tail whatever the node's age; and
 * the heap one node may take at most ({@code nodeHeapBudget}, see {@link NodeHeap}).
 */
public record AgentSettings(KernelConfig kernel, long telemetryIntervalNs, int partitions, long checkpointMinBytes,
                            double checkpointFactor, long nodeHeapBudget) {
    public static final long DEFAULT_CHECKPOINT_MIN_BYTES = 64 * 1024;
    public static final double DEFAULT_CHECKPOINT_FACTOR = 2.0;

    public AgentSettings {
        if (telemetryIntervalNs <= 0) {
            throw new IllegalArgumentException("the telemetry interval must be positive");
        }
        if (partitions <= 0) {
            throw new IllegalArgumentException("the partition count must be positive");
        }
    }

    public AgentSettings(KernelConfig kernel, long telemetryIntervalNs, int partitions, long checkpointMinBytes,
                         double checkpointFactor) {
        this(kernel, telemetryIntervalNs, partitions, checkpointMinBytes, checkpointFactor, Long.MAX_VALUE);
    }

    public AgentSettings(KernelConfig kernel, long telemetryIntervalNs, int partitions) {
        this(kernel, telemetryIntervalNs, partitions, DEFAULT_CHECKPOINT_MIN_BYTES, DEFAULT_CHECKPOINT_FACTOR);
    }

    /** These settings with the heap one node may take at most (a node that could take more is refused). */
    public AgentSettings withNodeHeapBudget(long bytes) {
        return new AgentSettings(kernel, telemetryIntervalNs, partitions, checkpointMinBytes, checkpointFactor, bytes);
    }
}
