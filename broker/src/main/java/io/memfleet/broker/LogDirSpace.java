package io.memfleet.broker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.internals.Exit; // Kafka's own halt, which a failed log directory calls

/**
 * The free space of a broker's log directory, said out loud: a broker does not start on a file
 * system with less than {@link #MIN_FREE_TO_START} free, says once (and again after a recovery)
 * when the space runs low while it runs, and when Kafka stops the process because a log
 * directory failed (a full disk among the causes), the reason and the directory's free space are
 * printed first instead of the process vanishing without a word.
 */
public final class LogDirSpace implements AutoCloseable {
    /** A broker needs room for its first segments, indexes and metadata log. */
    public static final long MIN_FREE_TO_START = 64L << 20;
    /** Below this while running, the broker is about to fail its writes. */
    public static final long LOW = 32L << 20;
    private static final long MIB = 1L << 20;

    private final Path dir;
    private final PrintStream log;
    private final ScheduledExecutorService timer;
    private boolean warned;
    /** The watch whose broker started last: its halt procedure is the process's. */
    private static volatile LogDirSpace latest;

    private LogDirSpace(Path dir, PrintStream log) {
        this.dir = dir;
        this.log = log;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "memfleet-broker-disk");
            t.setDaemon(true);
            return t;
        });
    }

    /** Usable bytes of the file system holding {@code dir} (-1 when it cannot be asked). */
    public static long usable(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Refuses a log directory on a file system too full for a broker to start. */
    public static void checkBeforeStart(Path dir) throws IOException {
        long free = usable(dir);
        if (free >= 0 && free < MIN_FREE_TO_START) {
            throw new IOException("the log directory " + dir.toAbsolutePath() + " has " + mib(free)
                    + " MiB free: a broker needs at least " + MIN_FREE_TO_START / MIB + " MiB (is the disk full?)");
        }
    }

    /**
     * Watches {@code dir} every {@code periodMs} while the broker runs, and has Kafka's halt (after
     * a log directory failed) print its reason with the directory's free space before the process stops.
     */
    public static LogDirSpace watch(Path dir, PrintStream log, long periodMs) {
        LogDirSpace w = new LogDirSpace(dir, log);
        latest = w; // the halt is the process's: it names the latest broker's directory
        Exit.setHaltProcedure((status, message) -> {
            log.println("memfleet: Kafka stopped the process (status " + status + ")"
                    + (message == null ? "" : ": " + message) + "; the log directory "
                    + dir.toAbsolutePath() + " has " + mib(usable(dir)) + " MiB free"
                    + (usable(dir) >= 0 && usable(dir) < LOW ? " (the disk is full)" : ""));
            log.flush();
            Runtime.getRuntime().halt(status);
        });
        w.timer.scheduleWithFixedDelay(w::check, periodMs, periodMs, TimeUnit.MILLISECONDS);
        return w;
    }

    private void check() {
        long free = usable(dir);
        if (free >= 0 && free < LOW && !warned) {
            warned = true;
            log.println("memfleet broker: the log directory " + dir.toAbsolutePath() + " has " + mib(free)
                    + " MiB free: Kafka stops when the disk is full (free space or give the broker a larger --data)");
            log.flush();
        } else if (free >= LOW) {
            warned = false;
        }
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format("%.1f", bytes / (double) MIB);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (latest == this) {
            Exit.resetHaltProcedure();
            latest = null;
        }
    }
}
