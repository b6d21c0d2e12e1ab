package io.memfleet.kernel.sim;

/** Simulated time in nanoseconds since boot. Only the event loop moves it, never backwards. */
public final class SimClock {
    public static final long NSEC_PER_SEC = 1_000_000_000L;

    private final int hz;
    private long nowNs;

    public SimClock(int hz) {
        this.hz = hz;
    }

    public long nowNs() {
        return nowNs;
    }

    public int hz() {
        return hz;
    }

    /** jiffies since boot, derived from simulated time. */
    public long jiffies() {
        return jiffiesAt(nowNs);
    }

    /** The jiffies count at simulated time {@code ns}. */
    public long jiffiesAt(long ns) {
        return (ns / NSEC_PER_SEC) * hz + (ns % NSEC_PER_SEC) * hz / NSEC_PER_SEC;
    }

    /** {@code t + k * period}, or Long.MAX_VALUE past the end of simulated time (timers there never fire). */
    public static long later(long t, long k, long period) {
        return k > (Long.MAX_VALUE - t) / period ? Long.MAX_VALUE : t + k * period;
    }

    public long jiffiesToNs(long jiffies) {
        return jiffies * NSEC_PER_SEC / hz;
    }

    /** Sets the time when a checkpoint is restored. */
    void setNow(long timeNs) {
        nowNs = timeNs;
    }

    void advanceTo(long timeNs) {
        if (timeNs < nowNs) {
            throw new IllegalStateException("time cannot go backwards: " + timeNs + " < " + nowNs);
        }
        nowNs = timeNs;
    }
}
