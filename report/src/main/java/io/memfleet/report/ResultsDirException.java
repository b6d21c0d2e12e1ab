package io.memfleet.report;

/** A results directory that cannot be read: the message names the file (and line) and what is wrong. */
public final class ResultsDirException extends Exception {
    private static final long serialVersionUID = 1L;

    public ResultsDirException(String message) {
        super(message);
    }
}
