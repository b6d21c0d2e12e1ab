package io.memfleet.kernel.memcg;

/**
 * A resource counter (kernel/res_counter.c): usage, max_usage, limit, soft_limit and failcnt in
 * bytes, optionally chained to a parent that is charged along with it. Limits are unsigned 64-bit
 * values as in the kernel; {@link #RESOURCE_MAX} is LLONG_MAX.
 */
public final class ResCounter {
    public static final long RESOURCE_MAX = Long.MAX_VALUE;

    long usage;
    long maxUsage;
    long limit = RESOURCE_MAX;
    long softLimit = RESOURCE_MAX;
    long failcnt;
    private final ResCounter parent;

    public ResCounter(ResCounter parent) {
        this.parent = parent;
    }

    public ResCounter parent() {
        return parent;
    }

    public long usage() {
        return usage;
    }

    public long maxUsage() {
        return maxUsage;
    }

    public long limit() {
        return limit;
    }

    public long softLimit() {
        return softLimit;
    }

    public long failcnt() {
        return failcnt;
    }

    // kernel: kernel/res_counter.c res_counter_charge_locked(); 3.3's nofail adds a refused charge without max_usage
    private boolean chargeLocked(long bytes, boolean force) {
        if (Long.compareUnsigned(usage + bytes, limit) > 0) {
            failcnt++;
            if (force) {
                usage += bytes;
            }
            return false;
        }
        usage += bytes;
        if (usage > maxUsage) {
            maxUsage = usage;
        }
        return true;
    }

    /**
     * Charges this counter and every ancestor. On failure nothing stays charged and the counter
     * that refused is returned; null means success.
     */
    // kernel: kernel/res_counter.c res_counter_charge()
    public ResCounter charge(long bytes) {
        for (ResCounter c = this; c != null; c = c.parent) {
            if (!c.chargeLocked(bytes, false)) {
                for (ResCounter u = this; u != c; u = u.parent) {
                    u.unchargeLocked(bytes);
                }
                return c;
            }
        }
        return null;
    }

    /** Charges every level even above its limit; returns true when some level went over. */
    // kernel: kernel/res_counter.c res_counter_charge_nofail()
    public boolean chargeNofail(long bytes) {
        boolean over = false;
        for (ResCounter c = this; c != null; c = c.parent) {
            over |= !c.chargeLocked(bytes, true);
        }
        return over;
    }

    // kernel: kernel/res_counter.c res_counter_uncharge_locked()
    public void unchargeLocked(long bytes) {
        if (bytes > usage) {
            bytes = usage; // the kernel WARNs and clamps
        }
        usage -= bytes;
    }

    // kernel: kernel/res_counter.c res_counter_uncharge()
    public void uncharge(long bytes) {
        for (ResCounter c = this; c != null; c = c.parent) {
            c.unchargeLocked(bytes);
        }
    }

    /** Uncharges this counter and its ancestors below {@code stop} (all of them when stop is null). */
    public void unchargeUntil(long bytes, ResCounter stop) {
        for (ResCounter c = this; c != null && c != stop; c = c.parent) {
            c.unchargeLocked(bytes);
        }
    }

    /** True when {@code other} is a strict ancestor of this counter. */
    public boolean hasAncestor(ResCounter other) {
        for (ResCounter c = parent; c != null; c = c.parent) {
            if (c == other) {
                return true;
            }
        }
        return false;
    }

    // kernel: include/linux/res_counter.h res_counter_set_limit()
    public boolean setLimit(long newLimit) {
        if (Long.compareUnsigned(usage, newLimit) <= 0) {
            limit = newLimit;
            return true;
        }
        return false;
    }

    public void setSoftLimit(long newSoftLimit) {
        softLimit = newSoftLimit;
    }

    // kernel: include/linux/res_counter.h res_counter_reset_max()
    public void resetMax() {
        maxUsage = usage;
    }

    // kernel: include/linux/res_counter.h res_counter_reset_failcnt()
    public void resetFailcnt() {
        failcnt = 0;
    }

    /** Bytes that can still be charged before the limit; 0 when at or above it. */
    // kernel: include/linux/res_counter.h res_counter_margin()
    public long margin() {
        return Long.compareUnsigned(limit, usage) > 0 ? limit - usage : 0;
    }

    /** The smallest margin along the chain to the root. */
    public long hierarchicalMargin() {
        long m = Long.MAX_VALUE;
        for (ResCounter c = this; c != null; c = c.parent) {
            long cm = c.margin();
            if (Long.compareUnsigned(cm, m) < 0) {
                m = cm;
            }
        }
        return m;
    }
}
