package io.memfleet.kernel.api;

import java.util.List;

/**
 * What one command did: its outcome, the errno ({@link Errno#OK} unless ERROR or NOMEM), the text
 * a read returns ({@code cat}, {@code dmesg}, {@code print}), the kernel-log lines written while
 * it ran, and the events it caused (OOM kills, failed allocations). Results without text, log
 * lines or events are shared constants, so the hot path allocates nothing.
 */
public record Result(Outcome outcome, Errno errno, String text, List<String> log, List<KernelEvent> events) {
    public static final Result OK = new Result(Outcome.OK, Errno.OK, "", List.of(), List.of());
    public static final Result NOMEM = new Result(Outcome.NOMEM, Errno.ENOMEM, "", List.of(), List.of());
    public static final Result KILLED = new Result(Outcome.KILLED, Errno.OK, "", List.of(), List.of());
    public static final Result BLOCKED = new Result(Outcome.BLOCKED, Errno.OK, "", List.of(), List.of());
    private static final Result[] ERRORS = new Result[Errno.values().length];

    static {
        for (Errno e : Errno.values()) {
            ERRORS[e.ordinal()] = e == Errno.OK ? OK
                    : e == Errno.ENOMEM ? NOMEM : new Result(Outcome.ERROR, e, "", List.of(), List.of());
        }
    }

    /** {@link #OK} for {@link Errno#OK}, else the refusal with that errno. */
    public static Result of(Errno e) {
        return ERRORS[e.ordinal()];
    }

    public static Result text(String text) {
        return text.isEmpty() ? OK : new Result(Outcome.OK, Errno.OK, text, List.of(), List.of());
    }

    /** The same result with the log lines written and the events raised while the command ran. */
    public Result with(List<String> logLines, List<KernelEvent> raised) {
        if (logLines.isEmpty() && raised.isEmpty()) {
            return this;
        }
        return new Result(outcome, errno, text, List.copyOf(logLines), List.copyOf(raised));
    }

    public boolean isError() {
        return outcome == Outcome.ERROR || outcome == Outcome.NOMEM;
    }
}
