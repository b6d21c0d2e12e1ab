package io.memfleet.controller.http;

/**
 * What one dashboard stream gets each period, decided from whether its connection could take
 * more: a client that keeps up gets the new points; one whose write queue is full is skipped, and
 * the next message it can take is a resync (every point again, replacing what it has); one that
 * stays full for {@code maxBehind} periods in a row is disconnected. Pure: the stream's adapter
 * asks it and does what it says.
 */
final class StreamPacer {
    /** What to do with the client this period. */
    enum Action { SEND, RESYNC, SKIP, DROP }

    private final int maxBehind;
    private int behind;
    private boolean missed;

    StreamPacer(int maxBehind) {
        if (maxBehind < 1) {
            throw new IllegalArgumentException("maxBehind must be at least 1, got " + maxBehind);
        }
        this.maxBehind = maxBehind;
    }

    /** The decision for one period; {@code queueFull} is the connection's state now. */
    Action period(boolean queueFull) {
        if (queueFull) {
            missed = true;
            return ++behind >= maxBehind ? Action.DROP : Action.SKIP;
        }
        behind = 0;
        if (missed) {
            missed = false;
            return Action.RESYNC;
        }
        return Action.SEND;
    }
}
