package io.memfleet.kernel.sim;

import java.util.ArrayDeque;

/** Deferred work (the kernel's system workqueue): items queued now run at the next flush, in order. */
public final class Workqueue {
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();

    // kernel: kernel/workqueue.c schedule_work()
    public void scheduleWork(Runnable work) {
        pending.add(work);
    }

    /** Runs queued work, including work queued by the work itself, until none is left. */
    public void runPending() {
        Runnable w;
        while ((w = pending.poll()) != null) {
            w.run();
        }
    }

    public boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Writes the queued work items in order. */
    public void save(StateWriter w, ActionCodec codec) {
        w.u(pending.size());
        for (Runnable r : pending) {
            w.s(codec.encode(r));
        }
    }

    /** Replaces the queue with what {@link #save} wrote. */
    public void restore(StateReader r, ActionCodec codec) {
        pending.clear();
        int n = r.i();
        for (int k = 0; k < n; k++) {
            pending.add(codec.decode(r.s()));
        }
    }
}
