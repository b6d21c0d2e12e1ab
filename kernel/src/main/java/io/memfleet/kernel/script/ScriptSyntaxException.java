package io.memfleet.kernel.script;

/** A script line that cannot be parsed; the message is the reason printed after {@code line N:}. */
public final class ScriptSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;

    public ScriptSyntaxException(int line, String reason) {
        super(reason);
        this.line = line;
    }

    public int line() {
        return line;
    }

    /** The form the launcher prints on standard error: {@code line N: reason}. */
    public String report() {
        return "line " + line + ": " + getMessage();
    }
}
