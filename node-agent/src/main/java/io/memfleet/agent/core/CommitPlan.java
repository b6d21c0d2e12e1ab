package io.memfleet.agent.core;

import java.util.List;
import java.util.Map;

/**
 * One commit, in its three steps: store {@code snapshots} (and wait until each is acknowledged),
 * then commit {@code offsets} (partition to next offset), then send {@code afterCommit} (the
 * tombstones of released nodes, which may only go once their last events can no longer be
 * redelivered).
 */
public record CommitPlan(List<Send> snapshots, Map<Integer, Long> offsets, List<Send> afterCommit) {
    public boolean isEmpty() {
        return snapshots.isEmpty() && offsets.isEmpty() && afterCommit.isEmpty();
    }
}
