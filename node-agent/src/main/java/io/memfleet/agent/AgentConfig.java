package io.memfleet.agent;

import io.memfleet.agent.core.AgentSettings;
import io.memfleet.common.Topics;
import io.memfleet.kernel.api.KernelConfig;

/**
 * One node-agent loop's configuration: the cluster, the fleet's topics, the consumer group the
 * agents share, the simulated time between a node's telemetry samples, the wall time between
 * commits, the kernel options of new nodes and the Kafka client id. Built once by the launcher.
 */
public record AgentConfig(String bootstrap, Topics topics, String groupId, long telemetryIntervalNs,
                          long commitIntervalMs, KernelConfig kernel, String clientId) {
    public static final long DEFAULT_TELEMETRY_INTERVAL_NS = 1_000_000_000L;
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 5000;

    public AgentConfig {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("an agent needs a Kafka bootstrap address");
        }
        if (commitIntervalMs <= 0) {
            throw new IllegalArgumentException("the commit interval must be positive");
        }
    }

    /** An agent of the fleet's default group with default timings. */
    public static AgentConfig of(String bootstrap, Topics topics, String clientId) {
        return new AgentConfig(bootstrap, topics, topics.agentGroup(), DEFAULT_TELEMETRY_INTERVAL_NS,
                DEFAULT_COMMIT_INTERVAL_MS, KernelConfig.DEFAULT, clientId);
    }

    public AgentSettings settings() {
        // one node may take 3/4 of the heap its agent leaves at most: a node shape that could take more is refused
        return new AgentSettings(kernel, telemetryIntervalNs, topics.partitions())
                .withNodeHeapBudget(io.memfleet.protocol.NodeHeapCost.nodesBudget(Runtime.getRuntime().maxMemory()));
    }

    public AgentConfig withClientId(String id) {
        return new AgentConfig(bootstrap, topics, groupId, telemetryIntervalNs, commitIntervalMs, kernel, id);
    }
}
