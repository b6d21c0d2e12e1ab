package io.memfleet.workload.spec;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.protocol.WorkloadReader;
import io.memfleet.workload.gen.NodeStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded fuzzing of experiment files: the examples mutated (extreme, negative, tiny and huge
 * values, wrong types, control characters in names and paths, lines dropped, repeated and
 * re-indented) must either be refused by the parser with an ExperimentException naming file and
 * line, or be accepted and then generate events that a node applies without a single invalid
 * event or model BUG: nothing the parser accepts fails only once the fleet runs. Time-bounded.
 * {@code -Dmemfleet.fuzz=N} files (default 5000); {@code -Dmemfleet.seed=S} one of them.
 */
class ExperimentFuzzTest {
    private static final int RUNS = Integer.getInteger("memfleet.fuzz", 5000);
    private static final String[] VALUES = {"0", "-7", "1", "1ns", "1ms", "255K", "256K", "2P", "1048576G",
        "18446744073709551616", "9223372036854775807", "\"a\tb\"", "\"/bad\\u0000path\"", "/a/../b", "[]", "{}", "~",
        "null", "yes", "1e400", "-0", "0x10", "\"" + "n".repeat(300) + "\"", "/x\t", "100%", "1.5", "NaN", "'", "16777217",
        "10000001", "nokmem", "kmem-intended,nokmem", "bogus-option", "1000000"};

    private static List<List<String>> corpus() throws IOException {
        List<List<String>> out = new ArrayList<>();
        for (String f : List.of("../examples/quickstart.yaml", "../examples/ab-matrix.yaml",
                "../bench/workloads/steady.yaml")) {
            out.add(Files.readAllLines(Path.of(f)));
        }
        return out;
    }

    static List<String> mutate(List<List<String>> corpus, SplittableRandom rnd) {
        List<String> lines = new ArrayList<>(corpus.get(rnd.nextInt(corpus.size())));
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int i = rnd.nextInt(lines.size());
            String l = lines.get(i);
            int colon = l.indexOf(": ");
            switch (rnd.nextInt(6)) {
                case 0, 1, 2 -> {
                    if (colon > 0) {
                        String rest = l.substring(colon + 2);
                        int comment = rest.indexOf(" #");
                        lines.set(i, l.substring(0, colon + 2) + VALUES[rnd.nextInt(VALUES.length)]
                                + (comment >= 0 ? rest.substring(comment) : ""));
                    }
                }
                case 3 -> lines.remove(i);
                case 4 -> lines.add(i, l);
                default -> lines.set(i, (rnd.nextBoolean() ? "  " : "") + l.stripLeading());
            }
        }
        return lines;
    }

    /** Decodes generated records onto a node as an agent would; returns the first invalid event's reason. */
    private static String apply(ExperimentSpec spec) throws WorkloadReader.MalformedBatchException {
        NodeStream s = new NodeStream(spec, "fuzz/0000", 0);
        Kernel[] k = {null};
        String[] invalid = {null};
        WorkloadReader.Sink sink = new WorkloadReader.Sink() {
            @Override
            public void command(long seq, Command c) {
                if (k[0] == null) {
                    k[0] = c instanceof Command.Node n ? Kernel.boot(n, n.config(KernelConfig.DEFAULT))
                            : Kernel.boot(Command.Node.DEFAULT, KernelConfig.DEFAULT);
                    if (c instanceof Command.Node) {
                        return;
                    }
                }
                k[0].apply(c);
                if (k[0].bug() != null && invalid[0] == null) {
                    invalid[0] = "BUG: " + k[0].bug();
                }
            }

            @Override
            public void sample(long seq, boolean dumpFiles, boolean release) {
            }

            @Override
            public void telemetryInterval(long seq, long intervalNs) {
            }

            @Override
            public void configStep(long seq, io.memfleet.protocol.RolloutStep step) {
                step.writes().forEach(c -> command(seq, c));
            }

            @Override
            public void invalid(long seq, String reason) {
                if (invalid[0] == null) {
                    invalid[0] = reason;
                }
            }
        };
        for (int r = 0; r < 20 && !s.finished(); r++) {
            WorkloadReader.read(s.nextRecord(5), "fuzz/0000", sink);
        }
        return invalid[0];
    }

    @Test
    @Timeout(600)
    void mutatedExperimentFilesAreRefusedWithALineOrRunCleanly() throws Exception {
        List<List<String>> corpus = corpus();
        Long one = Long.getLong("memfleet.seed");
        Map<String, Integer> endings = new TreeMap<>();
        for (long seed = one != null ? one : 1; seed <= (one != null ? one : RUNS); seed++) {
            String text = String.join("\n", mutate(corpus, new SplittableRandom(seed))) + "\n";
            String where = "seed " + seed + " (repro: -Dmemfleet.seed=" + seed + "):\n" + text;
            long t0 = System.nanoTime();
            ExperimentSpec spec;
            try {
                spec = ExperimentParser.parse(text, "fuzz.yaml");
            } catch (ExperimentException e) {
                assertTrue(e.getMessage().startsWith("fuzz.yaml"), where + "\n" + e.getMessage());
                endings.merge("refused", 1, Integer::sum);
                continue;
            }
            assertNull(apply(spec), where);
            assertTrue(System.nanoTime() - t0 < 20_000_000_000L, where + "\ntook over 20 s");
            endings.merge("accepted and ran", 1, Integer::sum);
        }
        System.out.println("ExperimentFuzzTest: " + endings);
        assertTrue(endings.size() == 2 || one != null, "both endings occur: " + endings);
    }
}
