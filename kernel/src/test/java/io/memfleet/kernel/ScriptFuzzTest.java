package io.memfleet.kernel;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.script.ScriptRunner;
import io.memfleet.kernel.testing.CpuTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded fuzzing of the script language: the conformance scripts mutated (extreme numbers and
 * sizes, memory operations asking for far more than the node holds, tokens dropped, lines
 * repeated, swapped, cut and spliced, control characters and foreign text inserted, the node
 * replaced by a huge or a small one) must each end as a script ends (a result, or 'line N:' and
 * status 2) within a time bound: no exception, no BUG in the model, no host memory exhausted, and
 * no script taking more than {@link #MAX_SCRIPT_CPU_MS} of its thread's CPU time (a command's work
 * is bounded by what the node holds, so even 255 GiB streams end in milliseconds; CPU time, not
 * wall time, so a busy shared machine does not count against a script, with ample room for a slow
 * one). A slow script is reported with its seed and its slowest line. {@code -Dmemfleet.fuzz=N}
 * runs N scripts (default 5000); {@code -Dmemfleet.seed=S} one of them.
 */
class ScriptFuzzTest {
    private static final int RUNS = Integer.getInteger("memfleet.fuzz", 5000);
    private static final long MAX_SCRIPT_CPU_MS = 2000;
    private static final String[] EXTREMES = {"0", "1", "-1", "+0", "4095", "65536", "+1048575G", "+100000000000",
        "2305843009213693951ns", "9223372036854775807", "18446744073709551616", "-9223372036854775808", "+1G",
        "-1G", "1024", "+16777217", "99999999999999999999", "1ns", "0ns", "+4096", "-4096", "1P", "irq", "+255G"};
    private static final String[] GARBAGE = {"\t", "\u0000", " ", "/", "//", "..", "\u00e9\u4e2d", "#", ">", ">>", "=",
        "\\", "\"", "'", "\r", "+", "-", "x".repeat(300)};
    /** Sizes far beyond any small node, for the memory operations. */
    private static final String[] HUGE = {"+255G", "+64G", "+16G", "+100000000000"};
    private static final Set<String> MEMORY_OPS = Set.of("anon", "file", "mmap", "shm", "mlock", "tcp");
    private static final String[] SHAPES = {"node cpus=1024 mem=1048576G swap=1048576G hz=100000",
        "node cpus=1 mem=256K", "node cpus=64 mem=1G hz=1", "node mem=4G swap=4G seed=-9223372036854775808",
        "node cpus=1 mem=64M", "node cpus=2 mem=64M swap=64M"};

    private static List<List<String>> corpus() throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/conformance"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".msim")).sorted().toList()) {
                out.add(Files.readAllLines(p));
            }
        }
        return out;
    }

    static List<String> mutate(List<List<String>> corpus, SplittableRandom rnd) {
        List<String> lines = new ArrayList<>(corpus.get(rnd.nextInt(corpus.size())));
        if (rnd.nextInt(4) == 0) {
            reshape(lines, SHAPES[rnd.nextInt(SHAPES.length)]);
        }
        int edits = 1 + rnd.nextInt(6);
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int i = rnd.nextInt(lines.size());
            String[] tokens = lines.get(i).split(" ", -1);
            int t = rnd.nextInt(tokens.length);
            switch (rnd.nextInt(9)) {
                case 0 -> tokens[t] = EXTREMES[rnd.nextInt(EXTREMES.length)];
                case 1 -> tokens[t] = "";
                case 2 -> tokens[t] = tokens[t] + GARBAGE[rnd.nextInt(GARBAGE.length)];
                case 3 -> {
                    String l = lines.get(i);
                    lines.set(i, l.substring(0, rnd.nextInt(l.length() + 1)));
                    continue;
                }
                case 4 -> {
                    for (int k = rnd.nextInt(50); k > 0; k--) {
                        lines.add(i, lines.get(i));
                    }
                    continue;
                }
                case 5 -> {
                    int j = rnd.nextInt(lines.size());
                    String a = lines.get(i);
                    lines.set(i, lines.get(j));
                    lines.set(j, a);
                    continue;
                }
                case 6 -> {
                    List<String> other = corpus.get(rnd.nextInt(corpus.size()));
                    lines.add(i, other.get(rnd.nextInt(other.size())));
                    continue;
                }
                case 7 -> tokens[t] = tokens[t].replaceAll("[0-9]+", EXTREMES[rnd.nextInt(EXTREMES.length)]
                        .replaceAll("[^0-9]", ""));
                default -> {
                    if (MEMORY_OPS.contains(tokens[0]) && tokens.length == 3) {
                        tokens[2] = HUGE[rnd.nextInt(HUGE.length)]; // a stream of more than the node holds
                    }
                }
            }
            lines.set(i, String.join(" ", tokens));
        }
        return lines;
    }

    /** The script on another node: its node line replaced, or one put where a node line goes. */
    private static void reshape(List<String> lines, String shape) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("node")) {
                lines.set(i, shape);
                return;
            }
        }
        lines.add(!lines.isEmpty() && lines.get(0).startsWith("version") ? 1 : 0, shape);
    }

    @Test
    @Timeout(600)
    void mutatedScriptsEndAsScriptsEndNeverInAnExceptionABugOrAHang() throws IOException {
        List<List<String>> corpus = corpus();
        Long one = Long.getLong("memfleet.seed");
        Map<String, Integer> endings = new TreeMap<>();
        long slowest = 0;
        for (long seed = one != null ? one : 1; seed <= (one != null ? one : RUNS); seed++) {
            List<String> script = mutate(corpus, new SplittableRandom(seed));
            TimedLines lines = new TimedLines(script);
            long t0 = CpuTime.threadNs();
            ScriptRunner.Result r = ScriptRunner.run(lines, KernelConfig.DEFAULT, chunk -> { });
            long ms = (CpuTime.threadNs() - t0) / 1_000_000;
            lines.finish();
            slowest = Math.max(slowest, ms);
            String where = "seed " + seed + " (repro: -Dmemfleet.seed=" + seed + "):\n" + String.join("\n", script);
            assertTrue(ms < MAX_SCRIPT_CPU_MS, where + "\ntook " + ms + " ms of CPU, " + lines.slowestMs()
                    + " ms of it in line " + lines.slowestLine() + ": " + script.get(lines.slowestLine() - 1));
            if (r.kernel() != null) {
                assertNull(r.kernel().bug(), where);
            }
            endings.merge(r.error() == null ? "ran" : "syntax error", 1, Integer::sum);
        }
        System.out.println("ScriptFuzzTest: " + endings + ", slowest " + slowest + " ms of CPU");
        assertTrue(endings.size() == 2 || one != null, "both endings occur: " + endings);
    }

    /** A script's lines, timing what the runner does with each one before it asks for the next. */
    private static final class TimedLines implements Iterator<String> {
        private final List<String> lines;
        private int at;
        private long since = CpuTime.threadNs();
        private long slowestNs = -1;
        private int slowestLine = 1;

        TimedLines(List<String> lines) {
            this.lines = lines;
        }

        @Override
        public boolean hasNext() {
            return at < lines.size();
        }

        /** The next line; the time since the last one was asked for is that line's. */
        @Override
        public String next() {
            if (at >= lines.size()) {
                throw new NoSuchElementException("line " + (at + 1) + " of a script of " + lines.size());
            }
            lap();
            return lines.get(at++);
        }

        /** The run is over: the time since the last line was asked for is that line's. */
        void finish() {
            lap();
        }

        private void lap() {
            long now = CpuTime.threadNs();
            if (at > 0 && now - since > slowestNs) {
                slowestNs = now - since;
                slowestLine = at;
            }
            since = now;
        }

        long slowestMs() {
            return slowestNs / 1_000_000;
        }

        int slowestLine() {
            return slowestLine;
        }
    }
}
