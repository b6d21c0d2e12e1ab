package io.memfleet.agent.kafka;

import io.memfleet.agent.AgentConfig;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps one agent loop running through broker outages: a loop that stops on a failure (a commit
 * or a send that timed out while the brokers were away) is started again after a backoff of 1 s,
 * doubling to 30 s, and resumes from the last commit as a restarted process would. An Error
 * (the JVM itself in trouble) is not retried: {@link #fatal()} says so and the process exits.
 */
public final class AgentSupervisor implements Runnable, AutoCloseable {
    static final long FIRST_BACKOFF_MS = 1000;
    static final long MAX_BACKOFF_MS = 30_000;

    private final AgentConfig cfg;
    private final PrintStream log;
    private final AtomicLong restarts = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile AgentLoop current;
    private volatile boolean closed;
    private volatile Throwable fatal;

    public AgentSupervisor(AgentConfig cfg, PrintStream log) {
        this.cfg = cfg;
        this.log = log;
        this.current = new AgentLoop(cfg, log);
    }

    @Override
    public void run() {
        long backoff = FIRST_BACKOFF_MS;
        while (!closed) {
            AgentLoop loop = current;
            long started = System.nanoTime();
            try {
                loop.run();
            } catch (RuntimeException e) {
                // the loop said why; it resumes from its last commit below
            } catch (Error e) {
                fatal = e;
                log.println("memfleet agent: fatal: " + e + "; not restarting");
                return;
            }
            if (closed) {
                return;
            }
            if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(1)) {
                backoff = FIRST_BACKOFF_MS; // it ran a while: this is a new outage
            }
            log.println("memfleet agent: loop stopped; starting it again in " + backoff / 1000.0 + " s (it resumes "
                    + "from the last commit)");
            await(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            if (!closed) {
                restarts.incrementAndGet();
                current = new AgentLoop(cfg, log);
            }
        }
    }

    private void await(long ms) {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
            long left;
            while (!closed && (left = deadline - System.nanoTime()) > 0) {
                wake.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** The loop now (a new one after each restart). */
    public AgentLoop current() {
        return current;
    }

    public boolean isRunning() {
        return !closed && fatal == null && current.isRunning();
    }

    public long restarts() {
        return restarts.get();
    }

    /** The Error that ended this supervisor, or null. */
    public Throwable fatal() {
        return fatal;
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        current.close();
    }
}
