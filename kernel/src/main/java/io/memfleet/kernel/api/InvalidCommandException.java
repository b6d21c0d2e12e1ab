package io.memfleet.kernel.api;

/**
 * A command whose arguments the simulated kernel's interface does not accept (a pid of 0, a
 * negative mlock, a node shape out of range, a size that is not a SIZE). The message is the reason;
 * the script parser prefixes it with the line, the wire decoder with the record it came from.
 */
public final class InvalidCommandException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidCommandException(String reason) {
        super(reason);
    }
}
