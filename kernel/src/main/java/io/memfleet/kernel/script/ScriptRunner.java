package io.memfleet.kernel.script;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Command;
import java.util.Iterator;

/**
 * Runs a `.msim` script against a fresh kernel, line by line: a `node` line (or the defaults)
 * boots the kernel, each command's result is printed as SIM-SCRIPT.md says, and the first
 * unparsable line stops the run with {@code line N: reason}. The only place results become text.
 */
public final class ScriptRunner {
    /** Receives output in chunks, in order. */
    public interface Sink {
        void emit(CharSequence chunk);
    }

    /** How a run ended: {@code error} is null, or the {@code line N: reason} text for exit status 2. */
    public record Result(Kernel kernel, long commands, String error) {
        public int exitStatus() {
            return error == null ? 0 : 2;
        }
    }

    private static final int FLUSH_AT = 1 << 16;

    private ScriptRunner() {
    }

    public static Result run(Iterator<String> lines, KernelConfig config, Sink sink) {
        Kernel kernel = null;
        StringBuilder out = new StringBuilder(1024);
        long commands = 0;
        int lineNo = 0;
        try {
            while (lines.hasNext()) {
                String line = lines.next();
                lineNo++;
                Command c = ScriptParser.parse(line, lineNo, kernel == null);
                if (c == null) {
                    continue;
                }
                commands++;
                if (kernel == null) {
                    kernel = c instanceof Command.Node n ? Kernel.boot(n, n.config(config)) : Kernel.boot(Command.Node.DEFAULT, config);
                    if (c instanceof Command.Node) {
                        continue;
                    }
                }
                print(kernel.apply(c), out);
                if (out.length() >= FLUSH_AT) {
                    sink.emit(out);
                    out.setLength(0);
                }
            }
        } catch (ScriptSyntaxException e) {
            sink.emit(out);
            return new Result(kernel, commands, e.report());
        }
        sink.emit(out);
        return new Result(kernel, commands, null);
    }

    /** What the script prints for a command's result (SIM-SCRIPT.md, output rules). */
    public static void print(io.memfleet.kernel.api.Result r, StringBuilder out) {
        switch (r.outcome()) {
            case OK -> out.append(r.text());
            case ERROR, NOMEM -> out.append("error: ").append(r.errno().name()).append('\n');
            case KILLED -> out.append("killed\n");
            case BLOCKED -> out.append("blocked\n");
        }
        for (io.memfleet.kernel.api.KernelEvent e : r.events()) {
            if (e instanceof io.memfleet.kernel.api.KernelEvent.Threshold t) {
                out.append("event: ").append(t.file()).append(" threshold ").append(Long.toUnsignedString(t.bytes()))
                        .append('\n');
            } else if (e instanceof io.memfleet.kernel.api.KernelEvent.OomNotify o) {
                out.append("event: ").append(o.file()).append(" oom\n");
            }
        }
    }

    /** Runs a whole script held in a string; returns its output, or throws on a syntax error. */
    public static String runToString(String script, KernelConfig config) {
        StringBuilder sb = new StringBuilder();
        Result r = run(script.lines().iterator(), config, sb::append);
        if (r.error() != null) {
            throw new IllegalArgumentException(r.error());
        }
        return sb.toString();
    }
}
