package io.memfleet.cli;

/** A problem with what the user asked for: printed as one line, with an exit status. */
class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    UserError(String message, int status) {
        super(message);
        this.status = status;
    }

    UserError(String message) {
        this(message, 1);
    }

    int status() {
        return status;
    }
}
