package io.memfleet.kernel.memcg;

/** What a charge attempt came to (the simulator's view of __mem_cgroup_try_charge's return). */
public enum ChargeResult {
    /** Charged (or the root cgroup, which is never charged). */
    OK,
    /** The task is dying: the charge went to the root cgroup unaccounted (-EINTR in the kernel). */
    BYPASS,
    /** Refused without an OOM kill (-ENOMEM). */
    NOMEM,
    /** The charging task itself was chosen by the OOM killer. */
    KILLED,
    /** oom_kill_disable is set: the charging task sleeps until the cgroup recovers. */
    BLOCKED
}
