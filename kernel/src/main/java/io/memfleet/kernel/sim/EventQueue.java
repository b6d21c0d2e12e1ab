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

    public int pending() {
        return queue.size();
    }

    /** Writes the clock, the sequence counter and every pending event in firing order. */
    public void save(StateWriter w, ActionCodec codec) {
        w.s(clock.nowNs());
        w.u(nextSeq);
        SimEvent[] due = queue.toArray(new SimEvent[0]);
        java.util.Arrays.sort(due);
        w.u(due.length);
        for (SimEvent e : due) {
            w.s(e.timeNs());
            w.s(e.priority());
            w.u(e.seq());
            w.s(codec.encode(e.action()));
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
