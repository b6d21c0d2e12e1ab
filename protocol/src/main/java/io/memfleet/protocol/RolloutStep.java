package io.memfleet.protocol;

import io.memfleet.kernel.api.Command;
import java.util.List;

/**
 * One step of an experiment's rollout on one node (workload.proto ConfigStep): the control-file
 * writes of wave {@code wave} of rollout {@code rollout}, or with {@code rollback} the values the
 * node had before the rollout written back. Applied between workload steps; each write is acked
 * with the kernel's errno.
 */
public record RolloutStep(String rollout, int wave, boolean rollback, List<Command.Echo> writes) {
    public RolloutStep {
        writes = List.copyOf(writes);
        if (wave < 1) {
            throw new IllegalArgumentException("a rollout's waves count from 1, got " + wave);
        }
    }
}
