package io.memfleet.kernel.script;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses `.msim` lines (SIM-SCRIPT.md version 1) into {@link Command}s. Blank and comment-only
 * lines parse to null. Every malformed line raises {@link ScriptSyntaxException} with its number.
 */
public final class ScriptParser {
    private ScriptParser() {
    }

    /** Splits the line into tokens after removing the comment; never returns null. */
    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>(6);
        int n = line.length();
        int i = 0;
        while (i < n) {
            char c = line.charAt(i);
            if (c == '#') {
                break;
            }
            if (c == ' ' || c == '\t' || c == '\r') {
                i++;
                continue;
            }
            int start = i;
            while (i < n) {
                c = line.charAt(i);
                if (c == ' ' || c == '\t' || c == '\r' || c == '#') {
                    break;
                }
                i++;
            }
            out.add(line.substring(start, i));
        }
        return out;
    }

    /** Parses one line; {@code first} is true while no command has been seen yet. */
    public static Command parse(String line, int lineNo, boolean first) {
        List<String> t = tokens(line);
        if (t.isEmpty()) {
            return null;
        }
        String op = t.get(0);
        Args a = new Args(t, lineNo);
        Command c = switch (op) {
            case "node" -> {
                if (!first) {
                    throw a.error("node must be the first command");
                }
                yield parseNode(a);
            }
            case "print" -> new Command.Print(printText(line));
            case "mkdir" -> new Command.Mkdir(a.path(1, 2));
            case "rmdir" -> new Command.Rmdir(a.path(1, 2));
            case "echo" -> {
                a.count(4);
                if (!t.get(2).equals(">")) {
                    throw a.error("expected 'echo VALUE > PATH'");
                }
                yield new Command.Echo(t.get(1), a.path(3, 4));
            }
            case "cat" -> new Command.Cat(a.path(1, 2));
            case "spawn" -> parseSpawn(a);
            case "exit" -> new Command.Exit(a.pidAt(1, 2));
            case "kill" -> new Command.Kill(a.pidAt(1, 2));
            case "anon" -> new Command.Mem(Command.MemKind.ANON, a.pidAt(1, 3), a.signedSize(2, true));
            case "mlock" -> new Command.Mem(Command.MemKind.MLOCK, a.pidAt(1, 3), a.signedSize(2, false));
            case "file" -> new Command.Mem(Command.MemKind.FILE, a.pidAt(1, 3), a.signedSize(2, true));
            case "dentry" -> new Command.Dentry(a.pidAt(1, 3), a.signedCount(2));
            case "kmalloc" -> parseKmalloc(a);
            case "tick" -> {
                a.count(2);
                yield new Command.Tick(Durations.parse(t.get(1), a));
            }
            case "dmesg" -> {
                a.count(1);
                yield new Command.Dmesg();
            }
            default -> throw a.error("unknown command '" + op + "'");
        };
        return c;
    }

    private static String printText(String line) {
        int hash = line.indexOf('#');
        String s = hash >= 0 ? line.substring(0, hash) : line;
        s = s.strip();
        String rest = s.substring("print".length());
        int i = 0;
        if (i < rest.length() && (rest.charAt(i) == ' ' || rest.charAt(i) == '\t')) {
            i++;
        }
        return rest.substring(i);
    }

    private static Command.Node parseNode(Args a) {
        Command.Node d = Command.Node.DEFAULT;
        int cpus = d.cpus();
        long mem = d.memBytes();
        long swap = d.swapBytes();
        long seed = d.seed();
        int hz = d.hz();
        for (int i = 1; i < a.t.size(); i++) {
            String kv = a.t.get(i);
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw a.error("expected key=value, got '" + kv + "'");
            }
            String k = kv.substring(0, eq);
            String v = kv.substring(eq + 1);
            switch (k) {
                case "cpus" -> cpus = (int) a.number(v, 1, 4096, "cpus");
                case "mem" -> mem = a.size(v);
                case "swap" -> swap = a.size(v);
                case "seed" -> seed = a.number(v, Long.MIN_VALUE, Long.MAX_VALUE, "seed");
                case "hz" -> hz = (int) a.number(v, 1, 100000, "hz");
                default -> throw a.error("unknown node parameter '" + k + "'");
            }
        }
        if (mem < 64 * 4096) {
            throw a.error("mem must be at least 256K");
        }
        if (mem > (1L << 50) || swap > (1L << 50)) {
            throw a.error("mem and swap are limited to 1P");
        }
        return new Command.Node(cpus, mem, swap, seed, hz);
    }

    private static Command.Spawn parseSpawn(Args a) {
        if (a.t.size() != 3 && a.t.size() != 4) {
            throw a.error("expected 'spawn PID PATH [cpu=N]'");
        }
        int pid = a.pid(a.t.get(1));
        String path = a.path(2, a.t.size());
        int cpu = 0;
        if (a.t.size() == 4) {
            String c = a.t.get(3);
            if (!c.startsWith("cpu=")) {
                throw a.error("expected cpu=N, got '" + c + "'");
            }
            cpu = (int) a.number(c.substring(4), 0, 4095, "cpu");
        }
        return new Command.Spawn(pid, path, cpu);
    }

    private static Command.Kmalloc parseKmalloc(Args a) {
        a.count(4);
        String who = a.t.get(1);
        int pid = who.equals("irq") ? Command.Kmalloc.IRQ : a.pid(who);
        long size = a.size(a.t.get(2));
        if (size <= 0) {
            throw a.error("kmalloc size must be positive");
        }
        return new Command.Kmalloc(pid, size, a.signedCount(3));
    }

    /** Token access with errors that carry the line number. */
    static final class Args {
        final List<String> t;
        final int lineNo;

        Args(List<String> t, int lineNo) {
            this.t = t;
            this.lineNo = lineNo;
        }

        ScriptSyntaxException error(String reason) {
            return new ScriptSyntaxException(lineNo, reason);
        }

        void count(int n) {
            if (t.size() != n) {
                throw error("'" + t.get(0) + "' takes " + (n - 1) + " argument" + (n == 2 ? "" : "s")
                        + ", got " + (t.size() - 1));
            }
        }

        String path(int i, int expectedCount) {
            count(expectedCount);
            String p = t.get(i);
            if (!p.startsWith("/")) {
                throw error("path must start with '/': '" + p + "'");
            }
            return p;
        }

        int pidAt(int i, int expectedCount) {
            count(expectedCount);
            return pid(t.get(i));
        }

        int pid(String s) {
            return (int) number(s, 1, Integer.MAX_VALUE, "pid");
        }

        long number(String s, long min, long max, String what) {
            long v;
            try {
                v = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw error("bad " + what + " '" + s + "'");
            }
            if (v < min || v > max) {
                throw error(what + " out of range: " + s);
            }
            return v;
        }

        long size(String s) {
            return Sizes.parse(s, this);
        }

        long signedSize(int i, boolean minusAllowed) {
            String s = t.get(i);
            char sign = s.isEmpty() ? ' ' : s.charAt(0);
            if (sign != '+' && !(sign == '-' && minusAllowed)) {
                throw error(minusAllowed ? "expected +SIZE or -SIZE, got '" + s + "'" : "expected +SIZE, got '" + s + "'");
            }
            long v = size(s.substring(1));
            return sign == '+' ? v : -v;
        }

        long signedCount(int i) {
            String s = t.get(i);
            char sign = s.isEmpty() ? ' ' : s.charAt(0);
            if (sign != '+' && sign != '-') {
                throw error("expected +N or -N, got '" + s + "'");
            }
            long v = number(s.substring(1), 0, Long.MAX_VALUE, "count");
            return sign == '+' ? v : -v;
        }
    }
}
