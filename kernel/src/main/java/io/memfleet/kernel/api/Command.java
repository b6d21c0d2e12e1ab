package io.memfleet.kernel.api;

/**
 * One operation on one simulated node (SIM-SCRIPT.md, version 1): the script's commands as
 * values. Each record checks its own arguments when it is built, so every source of commands (the
 * script parser, the wire decoder, the workload generator) is held to the same rules and a
 * command that exists is one the kernel can run. A violation raises {@link InvalidCommandException}.
 */
public sealed interface Command {
    /** Memory and swap of a node are limited to 1 PiB each. */
    long MAX_NODE_BYTES = 1L << 50;
    /** The smallest node: 64 pages. */
    long MIN_NODE_BYTES = 64 * 4096;
    /** The largest amount one memory operation may name (in either direction). */
    long MAX_OP_BYTES = 1L << 62;

    /**
     * The node's shape; only as the first command. {@code kernel} holds the kernel options the
     * node boots with (an experiment's {@code kernel:}); empty means the host's (the runner's
     * {@code --kernel}, an agent's default).
     */
    record Node(int cpus, long memBytes, long swapBytes, long seed, int hz, String kernel) implements Command {
        public static final Node DEFAULT = new Node(1, 4L << 30, 0, 1, 100);

        public Node(int cpus, long memBytes, long swapBytes, long seed, int hz) {
            this(cpus, memBytes, swapBytes, seed, hz, "");
        }

        /** The options this node boots with: its own, or {@code host}'s when it names none. */
        public KernelConfig config(KernelConfig host) {
            return kernel.isEmpty() ? host : KernelConfig.parse(kernel);
        }

        public Node {
            Rules.range("cpus", cpus, 1, 1024);
            if (memBytes < MIN_NODE_BYTES) {
                throw new InvalidCommandException("mem must be at least 256K");
            }
            if (memBytes > MAX_NODE_BYTES || swapBytes > MAX_NODE_BYTES) {
                throw new InvalidCommandException("mem and swap are limited to 1P each");
            }
            if (swapBytes < 0) {
                throw new InvalidCommandException("swap must not be negative");
            }
            Rules.range("hz", hz, 1, 100_000);
            if (kernel == null) {
                throw new InvalidCommandException("kernel options must not be null");
            }
            if (!kernel.isEmpty()) {
                try {
                    KernelConfig.parse(kernel);
                } catch (IllegalArgumentException e) {
                    throw new InvalidCommandException(e.getMessage());
                }
            }
        }
    }

    /** {@code print TEXT}: one line of text, printed as it is. */
    record Print(String text) implements Command {
        public Print {
            if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
                throw new InvalidCommandException("print text must be one line");
            }
        }
    }

    record Mkdir(String path) implements Command {
        public Mkdir {
            Rules.path(path);
        }
    }

    record Rmdir(String path) implements Command {
        public Rmdir {
            Rules.path(path);
        }
    }

    /** {@code echo VALUE > PATH}; a quoted VALUE (1.1) may hold spaces, never a line break. */
    record Echo(String value, String path) implements Command {
        public Echo {
            if (value.isEmpty() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
                throw new InvalidCommandException("echo value must be one non-empty line: '" + value + "'");
            }
            Rules.path(path);
        }
    }

    record Cat(String path) implements Command {
        public Cat {
            Rules.path(path);
        }
    }

    record Spawn(int pid, String path, int cpu) implements Command {
        public Spawn {
            Rules.pid(pid);
            Rules.path(path);
            Rules.range("cpu", cpu, 0, 1023);
        }
    }

    /** {@code fork PARENT CHILD}: a new task in the parent's cgroup, on its CPU, its child (SIM-SCRIPT 1.1). */
    record Fork(int parent, int child) implements Command {
        public Fork {
            Rules.pid(parent);
            Rules.pid(child);
        }
    }

    record Exit(int pid) implements Command {
        public Exit {
            Rules.pid(pid);
        }
    }

    record Kill(int pid) implements Command {
        public Kill {
            Rules.pid(pid);
        }
    }

    /** The kinds of user memory a {@link Mem} command touches. */
    enum MemKind { ANON, MLOCK, FILE, TCP, MMAP, SHM }

    /**
     * anon / mlock / file / tcp / mmap / shm: {@code bytes} positive to fault in, read, receive, map
     * or attach, negative to unmap, truncate, consume, unmap or release.
     */
    record Mem(MemKind kind, int pid, long bytes) implements Command {
        public Mem {
            if (kind == null) {
                throw new InvalidCommandException("mem kind missing");
            }
            Rules.pid(pid);
            if (kind == MemKind.MLOCK && bytes < 0) {
                throw new InvalidCommandException("mlock takes a positive size");
            }
            if (bytes > MAX_OP_BYTES || bytes < -MAX_OP_BYTES) {
                throw new InvalidCommandException("size out of range: " + bytes);
            }
        }
    }

    /** dentry PID +N / -N. */
    record Dentry(int pid, long count) implements Command {
        public Dentry {
            Rules.pid(pid);
            Rules.count(count);
        }
    }

    /** kmalloc PID|irq SIZE +N / -N; pid is {@link #IRQ} for interrupt context. */
    record Kmalloc(int pid, long size, long count) implements Command {
        public static final int IRQ = -1;

        public Kmalloc {
            if (pid != IRQ) {
                Rules.pid(pid);
            }
            if (size < 0) {
                throw new InvalidCommandException("kmalloc size must not be negative");
            }
            Rules.count(count);
        }
    }

    record Tick(long durationNs) implements Command {
        /** The longest tick: a quarter of the 64-bit nanosecond range, so simulated time never overflows. */
        public static final long MAX_NS = Long.MAX_VALUE / 4;

        public Tick {
            if (durationNs < 0 || durationNs > MAX_NS) {
                throw new InvalidCommandException("tick duration out of range: " + durationNs);
            }
        }
    }

    record Dmesg() implements Command { }

    /**
     * {@code watch PATH/FILE [SIZE]}: a registration through cgroup.event_control (SIM-SCRIPT 1.1);
     * {@code threshold} is the argument as written, empty for none.
     */
    record Watch(String path, String threshold) implements Command {
        public Watch {
            Rules.path(path);
            if (threshold == null || threshold.indexOf('\n') >= 0 || threshold.indexOf('\0') >= 0) {
                throw new InvalidCommandException("watch threshold must be one line");
            }
        }
    }

    /** {@code swapoff}: the node's swap area off, its pages read back in (SIM-SCRIPT 1.1). */
    record Swapoff() implements Command { }

    /** {@code swapon}: the node's swap area on again, empty (SIM-SCRIPT 1.1). */
    record Swapon() implements Command { }

    /** The argument rules shared by the records above. */
    final class Rules {
        private Rules() {
        }

        static void pid(int pid) {
            if (pid <= 0) {
                throw new InvalidCommandException("pid out of range: " + Integer.toUnsignedString(pid));
            }
        }

        static void path(String p) {
            if (p.isEmpty() || p.charAt(0) != '/') {
                throw new InvalidCommandException("path must start with '/': '" + p + "'");
            }
            if (hasWhitespace(p)) {
                throw new InvalidCommandException("path must be one token: '" + p + "'");
            }
            if (p.indexOf('\0') >= 0) {
                throw new InvalidCommandException("a path cannot hold a NUL byte");
            }
        }

        static void range(String what, long v, long min, long max) {
            if (v < min || v > max) {
                throw new InvalidCommandException(what + " out of range: " + v);
            }
        }

        static void count(long n) {
            if (n > MAX_OP_BYTES || n < -MAX_OP_BYTES) {
                throw new InvalidCommandException("count out of range: " + n);
            }
        }

        static boolean hasWhitespace(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (Character.isWhitespace(s.charAt(i))) {
                    return true;
                }
            }
            return false;
        }
    }
}
