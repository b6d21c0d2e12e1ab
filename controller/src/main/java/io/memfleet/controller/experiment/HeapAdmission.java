package io.memfleet.controller.experiment;

import io.memfleet.protocol.NodeHeapCost;
import io.memfleet.workload.spec.ExperimentException;
import io.memfleet.workload.spec.ExperimentSpec;

/** Whether the fleet's agents could hold an experiment's nodes at all ({@link NodeHeapCost}). */
final class HeapAdmission {
    private HeapAdmission() {
    }

    /**
     * Refuses {@code spec} when one of its nodes could take more heap than any agent heard from
     * gives one node ({@code nodeHeapBudget}; 0: no agent has said, so nothing is refused).
     */
    static void check(ExperimentSpec spec, String source, long nodeHeapBudget) throws ExperimentException {
        long worst = NodeHeapCost.worstCase(spec.memBytes());
        if (nodeHeapBudget > 0 && worst > nodeHeapBudget) {
            throw new ExperimentException(source.isEmpty() ? "experiment" : source, 0, "node.mem",
                    "no agent of this fleet could hold one of its nodes: " + NodeHeapCost.mib(spec.memBytes())
                    + " of simulated memory can take up to " + NodeHeapCost.mib(worst) + " of an agent's heap, and the "
                    + "agents give one node at most " + NodeHeapCost.mib(nodeHeapBudget) + " (3/4 of their heap less 128 MiB); start "
                    + "agents with more heap (cluster up --agent-heap) or give the nodes less memory");
        }
    }
}
