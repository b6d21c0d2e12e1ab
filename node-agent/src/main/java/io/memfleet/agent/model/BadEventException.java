package io.memfleet.agent.model;

/** A workload event that cannot be turned into a kernel command; the message is the reason. */
public final class BadEventException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadEventException(String reason) {
        super(reason);
    }
}
