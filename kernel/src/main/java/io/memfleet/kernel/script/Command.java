package io.memfleet.kernel.script;

/** One line of a `.msim` script (SIM-SCRIPT.md, version 1): one event for one simulated node. */
public sealed interface Command {
    /** The node's shape; only as the first command. */
    record Node(int cpus, long memBytes, long swapBytes, long seed, int hz) implements Command {
        public static final Node DEFAULT = new Node(1, 4L << 30, 0, 1, 100);
    }

    record Print(String text) implements Command { }

    record Mkdir(String path) implements Command { }

    record Rmdir(String path) implements Command { }

    /** {@code echo VALUE > PATH}. */
    record Echo(String value, String path) implements Command { }

    record Cat(String path) implements Command { }

    record Spawn(int pid, String path, int cpu) implements Command { }

    record Exit(int pid) implements Command { }

    record Kill(int pid) implements Command { }

    /** The kinds of user memory a {@link Mem} command touches. */
    enum MemKind { ANON, MLOCK, FILE }

    /** anon / mlock / file: {@code bytes} positive to fault in or read, negative to unmap or truncate. */
    record Mem(MemKind kind, int pid, long bytes) implements Command { }

    /** dentry PID +N / -N. */
    record Dentry(int pid, long count) implements Command { }

    /** kmalloc PID|irq SIZE +N / -N; pid is {@link #IRQ} for interrupt context. */
    record Kmalloc(int pid, long size, long count) implements Command {
        public static final int IRQ = -1;
    }

    record Tick(long durationNs) implements Command { }

    record Dmesg() implements Command { }
}
