package io.memfleet.kernel.testing;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.script.ScriptParser;
import io.memfleet.kernel.script.ScriptRunner;

/** A kernel driven by script lines, for tests: {@code sim.run("anon 1 +4K")} returns what it printed. */
public final class Sim {
    private final Kernel kernel;
    private int line;

    private Sim(Kernel kernel) {
        this.kernel = kernel;
    }

    public static Sim boot(String nodeLine) {
        return boot(nodeLine, KernelConfig.DEFAULT);
    }

    public static Sim boot(String nodeLine, KernelConfig config) {
        Command.Node n = (Command.Node) ScriptParser.parse(nodeLine, 1, true);
        return new Sim(Kernel.boot(n, config));
    }

    /** A sim driving a kernel that already exists (a restored checkpoint). */
    public static Sim of(Kernel kernel) {
        return new Sim(kernel);
    }

    public Kernel kernel() {
        return kernel;
    }

    /** Runs each line; returns everything printed. */
    public String run(String... lines) {
        StringBuilder out = new StringBuilder();
        for (String l : lines) {
            Command c = ScriptParser.parse(l, ++line, false);
            if (c != null) {
                ScriptRunner.print(kernel.apply(c), out);
            }
        }
        return out.toString();
    }

    /** The contents of a file as a number (first token). */
    public long num(String path) {
        String s = run("cat " + path).strip();
        return Long.parseUnsignedLong(s.split("\\s+")[0]);
    }

    /** One field of a memory.stat-like file. */
    public long stat(String path, String field) {
        for (String l : run("cat " + path).split("\n")) {
            String[] kv = l.split(" ");
            if (kv[0].equals(field)) {
                return Long.parseLong(kv[1]);
            }
        }
        throw new AssertionError("no field " + field + " in " + path);
    }
}
