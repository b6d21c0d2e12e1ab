package io.memfleet.controller.model;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ended experiments whose final node states stay on /metrics for a while ({@code --keep-finished}),
 * so that a dashboard sees them finish: each as a fleet of its own, with the wall-clock time it
 * ended. Pure: the caller gives the time. One owner (the controller's event loop).
 */
public final class RetainedExperiments {
    private record Retained(FleetState state, long endedAtMs) { }

    private final long keepMs;
    private final Map<String, Retained> byId = new LinkedHashMap<>();

    public RetainedExperiments(long keepMs) {
        if (keepMs < 0) {
            throw new IllegalArgumentException("a retention time must not be negative");
        }
        this.keepMs = keepMs;
    }

    /** Takes an ended experiment's nodes out of {@code fleet}: kept until {@code nowMs + keep}, or dropped with no retention. */
    public void ended(String experimentId, FleetState fleet, long nowMs) {
        if (keepMs == 0) {
            fleet.forgetExperiment(experimentId);
        } else {
            byId.put(experimentId, new Retained(fleet.detach(experimentId), nowMs));
        }
    }

    /** Drops what has been kept for the retention time by {@code nowMs}. */
    public void expire(long nowMs) {
        byId.values().removeIf(r -> nowMs - r.endedAtMs() >= keepMs);
    }

    public boolean contains(String experimentId) {
        return byId.containsKey(experimentId);
    }

    /** The kept experiments' fleets, in the order they ended. */
    public Collection<FleetState> states() {
        return List.copyOf(byId.values().stream().map(Retained::state).toList());
    }
}
