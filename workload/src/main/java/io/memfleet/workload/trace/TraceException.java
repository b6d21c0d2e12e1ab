package io.memfleet.workload.trace;

/**
 * A trace that cannot be replayed: {@code where} names the file (and line) or the parameter at
 * fault, {@code field} the workload parameter involved (null when the data is at fault).
 */
public final class TraceException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String reason;

    public TraceException(String field, String reason) {
        super(reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
