package io.memfleet.kernel.script;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.InvalidCommandException;
import io.memfleet.kernel.api.Units;


/**
 * Parses `.msim` lines (SIM-SCRIPT.md version 1) into {@link Command}s. Blank and comment-only
 * lines parse to null. Every malformed line raises {@link ScriptSyntaxException} with its number:
 * the syntax is checked here, the arguments by the command records themselves. Tokens are located
 * in place, so numeric arguments are read without creating strings.
 */
public final class ScriptParser {
    static final int MAX_TOKENS = 16;

    private ScriptParser() {
    }

    /** Parses one line; {@code first} is true while no command has been seen yet. */
    public static Command parse(String line, int lineNo, boolean first) {
        try {
            return parseLine(line, lineNo, first);
        } catch (InvalidCommandException e) {
            throw new ScriptSyntaxException(lineNo, e.getMessage());
        }
    }

    private static Command parseLine(String line, int lineNo, boolean first) {
        if (isPrint(line)) {
            return new Command.Print(printText(line));
        }
        String lead = line.stripLeading();
        if (lead.startsWith("echo \"")) {
            return quotedEcho(lead, lineNo);
        }
        Tokens t = new Tokens(line, lineNo);
        if (t.count == 0) {
            return null;
        }
        switch (t.opcode()) {
            case "anon":
                return new Command.Mem(Command.MemKind.ANON, t.pidAt(1, 3), t.signedSize(2, true));
            case "file":
                return new Command.Mem(Command.MemKind.FILE, t.pidAt(1, 3), t.signedSize(2, true));
            case "mlock":
                return new Command.Mem(Command.MemKind.MLOCK, t.pidAt(1, 3), t.signedSize(2, false));
            case "mmap":
                return new Command.Mem(Command.MemKind.MMAP, t.pidAt(1, 3), t.signedSize(2, true));
            case "shm":
                return new Command.Mem(Command.MemKind.SHM, t.pidAt(1, 3), t.signedSize(2, true));
            case "tcp":
                return new Command.Mem(Command.MemKind.TCP, t.pidAt(1, 3), t.signedSize(2, true));
            case "dentry":
                return new Command.Dentry(t.pidAt(1, 3), t.signedCount(2));
            case "kmalloc":
                return parseKmalloc(t);
            case "tick":
                t.count(2);
                return new Command.Tick(Units.parseScriptDuration(t.text(1)));
            case "echo":
                t.count(4);
                if (!t.text(2).equals(">")) {
                    throw t.error("expected 'echo VALUE > PATH'");
                }
                return new Command.Echo(t.text(1), t.path(3, 4));
            case "cat":
                return new Command.Cat(t.path(1, 2));
            case "mkdir":
                return new Command.Mkdir(t.path(1, 2));
            case "rmdir":
                return new Command.Rmdir(t.path(1, 2));
            case "spawn":
                return parseSpawn(t);
            case "watch":
                if (t.count == 2) {
                    return new Command.Watch(t.path(1, 2), "");
                }
                return new Command.Watch(t.path(1, 3), t.text(2));
            case "swapoff":
                t.count(1);
                return new Command.Swapoff();
            case "swapon":
                t.count(1);
                return new Command.Swapon();
            case "fork":
                return new Command.Fork(t.pidAt(1, 3), t.pidAt(2, 3));
            case "exit":
                return new Command.Exit(t.pidAt(1, 2));
            case "kill":
                return new Command.Kill(t.pidAt(1, 2));
            case "dmesg":
                t.count(1);
                return new Command.Dmesg();
            case "version":
                // SIM-SCRIPT.md 1.1: an optional first line naming the script's version; it runs nothing
                if (!first) {
                    throw t.error("version must be the first line");
                }
                t.count(2);
                if (!t.text(1).equals("1") && !t.text(1).equals("1.1")) {
                    throw t.error("unknown script version '" + t.text(1) + "' (this kernel runs 1 and 1.1)");
                }
                return null;
            case "node":
                if (!first) {
                    throw t.error("node must be the first command");
                }
                return parseNode(t);
            default:
                throw t.error("unknown command '" + t.text(0) + "'");
        }
    }

    /** print takes the rest of the line verbatim, however many words it has. */
    /** {@code echo "VALUE WITH SPACES" > PATH} (1.1, for /proc/slabinfo): the value as a shell passes it, quotes removed. */
    private static Command quotedEcho(String line, int lineNo) {
        int open = line.indexOf('"');
        int close = line.indexOf('"', open + 1);
        if (close < 0) {
            throw new ScriptSyntaxException(lineNo, "unterminated quote in echo");
        }
        Tokens t = new Tokens("echo _ " + line.substring(close + 1), lineNo);
        t.count(4);
        if (!t.text(2).equals(">")) {
            throw t.error("expected 'echo \"VALUE\" > PATH'");
        }
        return new Command.Echo(line.substring(open + 1, close), t.path(3, 4));
    }

    private static boolean isPrint(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return line.startsWith("print", i) && (i + 5 == line.length() || line.charAt(i + 5) == ' '
                || line.charAt(i + 5) == '\t' || line.charAt(i + 5) == '#' || line.charAt(i + 5) == '\r');
    }

    private static String printText(String line) {
        int hash = line.indexOf('#');
        String s = (hash >= 0 ? line.substring(0, hash) : line).strip();
        String rest = s.substring("print".length());
        return !rest.isEmpty() && (rest.charAt(0) == ' ' || rest.charAt(0) == '\t') ? rest.substring(1) : rest;
    }

    private static Command.Node parseNode(Tokens t) {
        Command.Node d = Command.Node.DEFAULT;
        int cpus = d.cpus();
        long mem = d.memBytes();
        long swap = d.swapBytes();
        long seed = d.seed();
        int hz = d.hz();
        for (int i = 1; i < t.count; i++) {
            String kv = t.text(i);
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw t.error("expected key=value, got '" + kv + "'");
            }
            String v = kv.substring(eq + 1);
            switch (kv.substring(0, eq)) {
                case "cpus" -> cpus = (int) t.number(v, 1, 1024, "cpus");
                case "mem" -> mem = Units.parseSize(v);
                case "swap" -> swap = Units.parseSize(v);
                case "seed" -> seed = t.number(v, Long.MIN_VALUE, Long.MAX_VALUE, "seed");
                case "hz" -> hz = (int) t.number(v, 1, 100000, "hz");
                default -> throw t.error("unknown node parameter '" + kv.substring(0, eq) + "'");
            }
        }
        return new Command.Node(cpus, mem, swap, seed, hz);
    }

    private static Command.Spawn parseSpawn(Tokens t) {
        if (t.count != 3 && t.count != 4) {
            throw t.error("expected 'spawn PID PATH [cpu=N]'");
        }
        int pid = t.pid(1);
        String path = t.path(2, t.count);
        int cpu = 0;
        if (t.count == 4) {
            String c = t.text(3);
            if (!c.startsWith("cpu=")) {
                throw t.error("expected cpu=N, got '" + c + "'");
            }
            cpu = (int) t.number(c.substring(4), 0, 1023, "cpu");
        }
        return new Command.Spawn(pid, path, cpu);
    }

    private static Command.Kmalloc parseKmalloc(Tokens t) {
        t.count(4);
        int pid = t.text(1).equals("irq") ? Command.Kmalloc.IRQ : t.pid(1);
        long size = Units.parseSize(t.line, t.start[2], t.end[2]);
        return new Command.Kmalloc(pid, size, t.signedCount(3));
    }

    /** The tokens of one line, as (start, end) offsets, with accessors that report errors by line. */
    static final class Tokens {
        final String line;
        final int lineNo;
        final int[] start = new int[MAX_TOKENS];
        final int[] end = new int[MAX_TOKENS];
        int count;

        Tokens(String line, int lineNo) {
            this.line = line;
            this.lineNo = lineNo;
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
                if (count == MAX_TOKENS) {
                    throw error("too many tokens");
                }
                start[count] = i;
                while (i < n && (c = line.charAt(i)) != ' ' && c != '\t' && c != '\r' && c != '#') {
                    i++;
                }
                end[count++] = i;
            }
        }

        String opcode() {
            return text(0);
        }

        String text(int i) {
            return line.substring(start[i], end[i]);
        }

        ScriptSyntaxException error(String reason) {
            return new ScriptSyntaxException(lineNo, reason);
        }

        void count(int n) {
            if (count != n) {
                throw error("'" + text(0) + "' takes " + (n - 1) + " argument" + (n == 2 ? "" : "s") + ", got "
                        + (count - 1));
            }
        }

        String path(int i, int expectedCount) {
            count(expectedCount);
            if (line.charAt(start[i]) != '/') {
                throw error("path must start with '/': '" + text(i) + "'");
            }
            return text(i);
        }

        int pidAt(int i, int expectedCount) {
            count(expectedCount);
            return pid(i);
        }

        int pid(int i) {
            long v = digits(start[i], end[i], "pid");
            if (v < 1 || v > Integer.MAX_VALUE) {
                throw error("pid out of range: " + text(i));
            }
            return (int) v;
        }

        /** A non-negative decimal integer in line[from, to). */
        long digits(int from, int to, String what) {
            if (from >= to) {
                throw error("missing " + what);
            }
            long v = 0;
            for (int k = from; k < to; k++) {
                char c = line.charAt(k);
                if (c < '0' || c > '9') {
                    throw error("bad " + what + " '" + line.substring(from, to) + "'");
                }
                if (v > (Long.MAX_VALUE - (c - '0')) / 10) {
                    throw error(what + " out of range '" + line.substring(from, to) + "'");
                }
                v = v * 10 + (c - '0');
            }
            return v;
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

        long signedSize(int i, boolean minusAllowed) {
            char sign = line.charAt(start[i]);
            if (sign != '+' && !(sign == '-' && minusAllowed)) {
                throw error(minusAllowed ? "expected +SIZE or -SIZE, got '" + text(i) + "'"
                        : "expected +SIZE, got '" + text(i) + "'");
            }
            long v = Units.parseSize(line, start[i] + 1, end[i]);
            return sign == '+' ? v : -v;
        }

        long signedCount(int i) {
            char sign = line.charAt(start[i]);
            if (sign != '+' && sign != '-') {
                throw error("expected +N or -N, got '" + text(i) + "'");
            }
            long v = digits(start[i] + 1, end[i], "count");
            return sign == '+' ? v : -v;
        }
    }
}
