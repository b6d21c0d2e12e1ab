package io.memfleet.controller.model;

import io.memfleet.proto.v1.ConfigRollout;
import java.util.Map;
import java.util.TreeMap;

/** A configuration rollout and, per selected node, whether it was acked, failed (with errnos) or is pending. */
public final class RolloutStatus {
    /** A node's state in the rollout. */
    public enum State { PENDING, ACKED, FAILED }

    /** One node's result: its state and, for failures, the files and their errno. */
    public record NodeResult(State state, Map<String, String> failedFiles) { }

    private final ConfigRollout rollout;
    private final Map<String, NodeResult> nodes = new TreeMap<>();

    RolloutStatus(ConfigRollout rollout) {
        this.rollout = rollout;
    }

    public ConfigRollout rollout() {
        return rollout;
    }

    public Map<String, NodeResult> nodes() {
        return nodes;
    }

    void expect(String node) {
        nodes.putIfAbsent(node, new NodeResult(State.PENDING, Map.of()));
    }

    void ack(String node, Map<String, String> failed) {
        nodes.put(node, new NodeResult(failed.isEmpty() ? State.ACKED : State.FAILED, failed));
    }

    public long count(State s) {
        return nodes.values().stream().filter(r -> r.state() == s).count();
    }
}
