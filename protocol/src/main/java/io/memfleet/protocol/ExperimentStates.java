package io.memfleet.protocol;

import io.memfleet.proto.v1.ExperimentState;

/** What every party (controller, command line, dashboards) agrees an experiment's state means. */
public final class ExperimentStates {
    private ExperimentStates() {
    }

    /** DONE, FAILED and CANCELLED: nothing changes an experiment any more. */
    public static boolean isFinal(ExperimentState s) {
        return s == ExperimentState.DONE || s == ExperimentState.FAILED || s == ExperimentState.CANCELLED;
    }
}
