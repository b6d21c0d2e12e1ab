package io.memfleet.kernel.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The current thread's CPU time, for tests that bound how long work takes: a busy shared machine
 * stretches wall time, not the CPU time the work itself uses.
 */
public final class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuTime() {
    }

    /** This thread's CPU time in nanoseconds (wall time where the JVM cannot tell). */
    public static long threadNs() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
