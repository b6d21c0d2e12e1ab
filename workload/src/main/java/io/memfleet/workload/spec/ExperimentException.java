package io.memfleet.workload.spec;

/**
 * An invalid experiment file: the message names the file, the line and the field at fault
 * ({@code quickstart.yaml:13: field 'workloads[0].model': unknown model ...}); the parts are there
 * for an HTTP error body too.
 */
public final class ExperimentException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final int line;
    private final String field;
    private final String reason;

    public ExperimentException(String source, int line, String field, String reason) {
        super(source + (line > 0 ? ":" + line : "") + (field == null ? "" : ": field '" + field + "'") + ": " + reason);
        this.source = source;
        this.line = line;
        this.field = field;
        this.reason = reason;
    }

    public String source() {
        return source;
    }

    /** The line at fault, or 0 when the file as a whole is (not YAML at all). */
    public int line() {
        return line;
    }

    /** The field at fault, or null. */
    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
