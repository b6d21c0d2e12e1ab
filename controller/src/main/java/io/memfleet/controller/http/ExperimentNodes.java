package io.memfleet.controller.http;

import io.memfleet.protocol.ExperimentStates;
import io.memfleet.controller.experiment.ExperimentManager;
import io.memfleet.protocol.NodeIds;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.NodeSelector;

/**
 * The live configuration path and experiments kept apart: an experiment's nodes take their
 * configuration only from its file (its {@code cgroups:}, {@code variants:} and {@code rollouts:}),
 * so that its results are a function of the file. A live rollout naming them is refused; one for
 * every node changes the standing fleet's own nodes only (the agents skip experiment nodes).
 */
final class ExperimentNodes {
    static final String NOT_EXPERIMENTS = "experiments' nodes are not changed: an experiment's nodes take configuration "
            + "only from its file (rollouts: in the experiment file stage a change inside an experiment)";

    private ExperimentNodes() {
    }

    /** Why the selector may not be applied, or null. */
    static String refusal(NodeSelector s, ExperimentManager experiments) {
        for (String node : s.getNodeIdsList()) {
            String id = NodeIds.experimentOf(node);
            Experiment e = id == null ? null : experiments.get(id);
            if (e != null) {
                return "node " + node + " belongs to experiment " + id + " (" + state(e) + "): an experiment's nodes "
                        + "take configuration only from its file; stage the change as rollouts: in the experiment file";
            }
        }
        String prefix = s.getNodeIdPrefix();
        if (!prefix.isEmpty()) {
            for (Experiment e : experiments.all()) {
                String nodes = e.getId() + "/";
                if (!ExperimentStates.isFinal(e.getState()) && (nodes.startsWith(prefix) || prefix.startsWith(nodes))) {
                    return "prefix '" + prefix + "' selects nodes of experiment " + e.getId() + " (" + state(e)
                            + "): an experiment's nodes take configuration only from its file; stage the change as "
                            + "rollouts: in the experiment file";
                }
            }
        }
        return null;
    }

    private static String state(Experiment e) {
        return e.getState().name().toLowerCase(java.util.Locale.ROOT);
    }
}
