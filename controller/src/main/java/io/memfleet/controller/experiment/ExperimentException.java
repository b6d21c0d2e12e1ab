package io.memfleet.controller.experiment;

/** An invalid experiment file: the message names the file, the line and the field at fault. */
public final class ExperimentException extends Exception {
    private static final long serialVersionUID = 1L;

    public ExperimentException(String message) {
        super(message);
    }
}
