package io.memfleet.kernel.memcg;

/**
 * How {@link MemcgCharger#tryCharge} may go about a charge: whether the memcg OOM killer may run
 * (the {@code oom} argument of __mem_cgroup_try_charge()) and whether the first attempt takes a
 * whole CHARGE_BATCH for the per-CPU stock or only the pages asked for. Every charge of the model
 * may sleep in reclaim (__GFP_WAIT): no caller charges atomically, so mem_cgroup_do_charge()'s
 * CHARGE_WOULDBLOCK never arises.
 */
public enum ChargeMode {
    /** The usual charge: a batch first, then reclaim, then the OOM killer. */
    BATCH(true, false),
    /** Only the pages asked for, as the retry after an OOM wait charges; reclaim, then the OOM killer. */
    EXACT(true, true),
    /** A batch first, then reclaim, but never the OOM killer (move_charge's precharge): NOMEM instead. */
    BATCH_NO_OOM(false, false);

    final boolean mayOom;
    final boolean exactSize;

    ChargeMode(boolean mayOom, boolean exactSize) {
        this.mayOom = mayOom;
        this.exactSize = exactSize;
    }

    /** {@link #EXACT} when {@code exact}, else {@link #BATCH}. */
    public static ChargeMode batchUnless(boolean exact) {
        return exact ? EXACT : BATCH;
    }
}
