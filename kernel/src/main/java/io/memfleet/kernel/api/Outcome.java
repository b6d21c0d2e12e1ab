package io.memfleet.kernel.api;

/** How a command ended, as SIM-SCRIPT.md distinguishes them. */
public enum Outcome {
    /** Done (a read's text, if any, is in the result). */
    OK,
    /** Refused with an errno (a control file, mkdir, a missing task, ...). */
    ERROR,
    /** A memory operation stopped at a failed allocation; what it allocated before stays. */
    NOMEM,
    /** The operation's own task was chosen by the OOM killer. */
    KILLED,
    /** The task sleeps in a memcg OOM wait (oom_kill_disable); the rest runs when it is woken. */
    BLOCKED
}
