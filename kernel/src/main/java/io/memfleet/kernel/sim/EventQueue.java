package io.memfleet.kernel.sim;

import java.util.PriorityQueue;

/**
 * The discrete-event core: events ordered by (time, priority, sequence). The sequence counter
 * belongs to this queue, so two simulations never share ordering state.
 */
public final class EventQueue {
    /** A scheduled action. Lower priority values run first at equal times. */
    public record SimEvent(long timeNs, int priority, long seq, Runnable action) implements Comparable<SimEvent> {
        @Override
        public int compareTo(SimEvent o) {
            int c = Long.compare(timeNs, o.timeNs);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(priority, o.priority);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final SimClock clock;
    private final PriorityQueue<SimEvent> queue = new PriorityQueue<>();
    private long nextSeq;

    public EventQueue(SimClock clock) {
        this.clock = clock;
    }

    public SimClock clock() {
        return clock;
    }

    public void schedule(long timeNs, int priority, Runnable action) {
        if (timeNs < clock.nowNs()) {
            throw new IllegalArgumentException("cannot schedule into the past: " + timeNs + " < " + clock.nowNs());
        }
        queue.add(new SimEvent(timeNs, priority, nextSeq++, action));
    }

    /** Runs every event due at or before {@code timeNs} in order, then leaves the clock at {@code timeNs}. */
    public void runUntil(long timeNs) {
        while (!queue.isEmpty() && queue.peek().timeNs() <= timeNs) {
            SimEvent e = queue.poll();
            clock.advanceTo(e.timeNs());
            e.action().run();
        }
        clock.advanceTo(timeNs);
    }

    /** The pending events whose action {@code which} selects, in firing order. */
    public java.util.List<SimEvent> pending(java.util.function.Predicate<Runnable> which) {
        return queue.stream().filter(e -> which.test(e.action())).sorted().toList();
    }

    /**
     * Moves every selected event due at or before {@code untilNs} forward by whole periods to its
     * first time after it, keeping their relative order: where a periodic timer whose firings
     * change nothing would be once those firings had run.
     */
    public void skipPeriodic(long untilNs, long periodNs, java.util.function.Predicate<Runnable> which) {
        java.util.List<SimEvent> due = pending(which).stream().filter(e -> e.timeNs() <= untilNs).toList();
        queue.removeAll(due);
        for (SimEvent e : due) {
            long at = SimClock.later(e.timeNs(), (untilNs - e.timeNs()) / periodNs + 1, periodNs);
            queue.add(new SimEvent(at, e.priority(), nextSeq++, e.action()));
        }
    }

    public int pending() {
        return queue.size();
    }

    /** Writes the clock and every pending event in firing order, numbered by rank. */
    public void save(StateWriter w, ActionCodec codec) {
        w.s(clock.nowNs());
        SimEvent[] due = queue.toArray(new SimEvent[0]);
        java.util.Arrays.sort(due);
        // sequences by rank: only their order matters, so equal queues save equal bytes however they came about
        w.u(due.length);
        w.u(due.length);
        for (int i = 0; i < due.length; i++) {
            w.s(due[i].timeNs());
            w.s(due[i].priority());
            w.u(i);
            w.s(codec.encode(due[i].action()));
        }
    }

    /** Replaces the clock and the queue with what {@link #save} wrote. */
    public void restore(StateReader r, ActionCodec codec) {
        clock.setNow(r.s());
        nextSeq = r.u();
        queue.clear();
        int n = r.i();
        for (int k = 0; k < n; k++) {
            long t = r.s();
            int prio = (int) r.s();
            long seq = r.u();
            queue.add(new SimEvent(t, prio, seq, codec.decode(r.s())));
        }
    }
}
