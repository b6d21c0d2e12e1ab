package io.memfleet.cli;

/**
 * Whether the cluster a followed experiment lives on has gone silent: after {@code quietNs}
 * without a record, the cluster is asked (at most every {@code probeEveryNs}); once it has not
 * answered for {@code goneNs}, following the experiment ends with that reason instead of a
 * progress line repeated until the run's timeout. Times are the caller's (nanoTime), so the
 * decisions are tested without a broker.
 */
final class ClusterWatch {
    private final long quietNs;
    private final long probeEveryNs;
    private final long goneNs;
    private long lastHeard;
    private long lastProbe;
    /** When the cluster first failed to answer since it last did; -1 while it answers. */
    private long failingSince = -1;

    ClusterWatch(long now, long quietNs, long probeEveryNs, long goneNs) {
        this.quietNs = quietNs;
        this.probeEveryNs = probeEveryNs;
        this.goneNs = goneNs;
        this.lastHeard = now;
        this.lastProbe = now;
    }

    /** A record came from the cluster. */
    void heard(long now) {
        lastHeard = now;
        failingSince = -1;
    }

    /** True when the cluster should be asked now. */
    boolean probeDue(long now) {
        return now - lastHeard >= quietNs && now - lastProbe >= probeEveryNs;
    }

    /** The answer to a probe made at {@code now}. */
    void probed(long now, boolean answered) {
        lastProbe = now;
        if (answered) {
            heard(now);
        } else if (failingSince < 0) {
            failingSince = now;
        }
    }

    /** True once the cluster has not answered a probe for {@code goneNs}. */
    boolean gone(long now) {
        return failingSince >= 0 && now - failingSince >= goneNs;
    }

    /** How long the cluster has not answered, in seconds (0 while it answers). */
    long silentSeconds(long now) {
        return failingSince < 0 ? 0 : (now - lastHeard) / 1_000_000_000L;
    }
}
