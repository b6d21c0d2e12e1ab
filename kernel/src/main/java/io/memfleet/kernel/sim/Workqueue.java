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
}
