package io.memfleet.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C and SIGTERM as an orderly stop. The JVM runs every shutdown hook at once on threads of
 * its own, so a process has exactly one, and it only asks: it marks the stop as requested, wakes
 * whatever the command's own thread is waiting on (a consumer's poll, a child's health check),
 * and waits up to {@link #GRACE} for that thread to stop the process's parts in order, say what
 * happened and {@link #finished() finish}. Temporary directories still registered after that are
 * deleted by the hook itself. Nothing but the command's thread touches a Kafka consumer.
 *
 * <p>Commands run in-process by tests install nothing: there, {@link #requested()} stays false.
 */
final class Shutdown {
    /** How long the hook waits for the command's thread; the process is gone within about a second more. */
    static final Duration GRACE = Duration.ofSeconds(8);
    private static final Shutdown PROCESS = new Shutdown();

    private final AtomicBoolean installed = new AtomicBoolean();
    private final CountDownLatch request = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Set<Runnable> wakers = ConcurrentHashMap.newKeySet();
    private final Set<Path> temporary = ConcurrentHashMap.newKeySet();
    private volatile boolean cooperating;

    /** The command was asked to stop: thrown from where it waits, caught where it can say what happened. */
    static final class Interrupted extends UserError {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super("interrupted", 130);
        }
    }

    private Shutdown() {
    }

    static Shutdown process() {
        return PROCESS;
    }

    /** Installs the process's hook (the launcher's main does, once). */
    void install() {
        if (installed.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::onStop, "memfleet-shutdown"));
        }
    }

    /** The command stops its parts itself when asked: the hook waits for it (commands that do not just end). */
    void cooperate() {
        cooperating = true;
    }

    private void onStop() {
        request.countDown();
        for (Runnable w : wakers) {
            try {
                w.run();
            } catch (RuntimeException e) {
                // waking is best effort: the command's thread also checks requested() on its own
            }
        }
        if (cooperating) {
            try {
                finished.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        temporary.forEach(Bootstrap::deleteTree);
    }

    /** True once the process was asked to stop. */
    boolean requested() {
        return request.getCount() == 0;
    }

    /** Throws {@link Interrupted} once the process was asked to stop. */
    void check() {
        if (requested()) {
            throw new Interrupted();
        }
    }

    /** Blocks until the process is asked to stop. */
    void awaitRequest() throws InterruptedException {
        request.await();
    }

    /** Waits up to {@code d} for a stop request; true if one came. */
    boolean awaitRequest(Duration d) throws InterruptedException {
        return request.await(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code waker} (thread-safe: a consumer's wakeup()) when a stop is requested, while the result is open. */
    AutoCloseable wakeWith(Runnable waker) {
        wakers.add(waker);
        if (requested()) {
            waker.run();
        }
        return () -> wakers.remove(waker);
    }

    /** A directory the process deletes before it ends, even when its command's thread could not. */
    void temporary(Path dir) {
        temporary.add(dir);
    }

    void notTemporary(Path dir) {
        temporary.remove(dir);
    }

    /** The command's thread has stopped everything and said what happened. */
    void finished() {
        finished.countDown();
    }
}
