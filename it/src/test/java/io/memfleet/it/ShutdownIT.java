package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.EmbeddedBrokerTest;
import io.memfleet.it.testing.FleetHarness;
import io.memfleet.it.testing.Launcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C of every long-running command, sent as a terminal sends it (SIGINT to the process): each
 * stops its parts in order, prints one line saying what became of its work, leaves no temporary
 * directory behind and exits within 10 s. A run interrupted while it replaces earlier results
 * leaves them as they were; a second run aimed at the same directory meanwhile is refused naming
 * the first one's pid.
 */
@Timeout(600)
class ShutdownIT extends EmbeddedBrokerTest {
    /** What the issue promises: gone within 10 s of Ctrl-C. */
    private static final Duration STOP = Duration.ofSeconds(10);
    /** Starting a JVM with a broker and a fleet on a busy machine. */
    private static final Duration START = Duration.ofSeconds(180);
    private static final Pattern PROGRESS = Pattern.compile("\\[run\\] (generating|running): [1-9]");

    @TempDir
    Path work;

    /** The child's JVM options: its temporary files go to a directory of the test's, to be checked afterwards. */
    private List<String> jvm(Path tmp) throws IOException {
        Files.createDirectories(tmp);
        return List.of("-Xmx512m", "-Djava.io.tmpdir=" + tmp);
    }

    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The lines of the output after {@code marker}'s last occurrence that are not progress lines. */
    private static List<String> linesAfter(String output, String marker) {
        List<String> out = new ArrayList<>();
        String tail = output.substring(output.lastIndexOf(marker));
        for (String l : tail.split("\n")) {
            if (!l.isBlank() && !l.startsWith("[run] generating") && !l.startsWith("[run] running")
                    && !l.startsWith("SLF4J")) {
                out.add(l);
            }
        }
        return out;
    }

    /** Ctrl-C ends the child within {@link #STOP}, and after its progress it says one line, matching {@code said}. */
    private static void assertInterruptedSaying(Launcher.Child c, String said) throws Exception {
        Launcher.Exit exit = c.signalAndWait("INT", STOP);
        assertEquals(130, exit.status(), c.output());
        List<String> lines = linesAfter(c.output(), "accepted");
        assertEquals(2, lines.size(), "one line after the progress: " + lines);
        assertTrue(lines.get(1).matches(said), lines.get(1));
    }

    private static Map<String, byte[]> earlierResults(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("nodes"));
        Files.writeString(dir.resolve("summary.json"), "{\"experiment\": \"earlier\", \"cgroups\": []}\n");
        Files.writeString(dir.resolve("run.json"), "{\"experiment_id\": \"earlier-abcdef\"}\n");
        Files.writeString(dir.resolve("series.csv"), "sim_seconds,cgroup\n");
        Files.writeString(dir.resolve("nodes").resolve("earlier-0000.txt"), "==> /memory.usage_in_bytes <==\n0\n");
        return Map.of("summary.json", Files.readAllBytes(dir.resolve("summary.json")),
                "run.json", Files.readAllBytes(dir.resolve("run.json")),
                "series.csv", Files.readAllBytes(dir.resolve("series.csv")),
                "nodes/earlier-0000.txt", Files.readAllBytes(dir.resolve("nodes").resolve("earlier-0000.txt")));
    }

    @Test
    void runInterruptedCancelsItsExperimentLeavesEarlierResultsAndHoldsOffASecondRun() throws Exception {
        Path out = work.resolve("results");
        Map<String, byte[]> before = earlierResults(out);
        Path tmp = work.resolve("tmp-run");
        Launcher.Child run = Launcher.spawn(work.resolve("run.log"), jvm(tmp), "run",
                Launcher.example("quickstart.yaml").toString(), "--out", out.toString(), "--force", "--set",
                "duration=3600s");
        try {
            run.awaitLine("the experiment under way", PROGRESS, START);

            // a second run aimed at the same directory is refused at once, naming the first
            Launcher.Outcome second = Launcher.memfleet("run", Launcher.example("quickstart.yaml").toString(), "--out",
                    out.toString(), "--force");
            assertEquals(2, second.status(), second.out() + second.err());
            assertTrue(second.err().contains("is being written by another memfleet run (pid " + run.pid() + ")"),
                    second.err());
            assertTrue(!second.out().contains("embedded Kafka broker"), "refused before anything started: " + second.out());

            assertInterruptedSaying(run, "memfleet run: interrupted: experiment quickstart-[a-z0-9]{6} cancelled "
                    + "\\(the embedded fleet stopped\\); nothing written to .*");
        } finally {
            run.kill();
        }
        for (Map.Entry<String, byte[]> e : before.entrySet()) {
            assertTrue(java.util.Arrays.equals(e.getValue(), Files.readAllBytes(out.resolve(e.getKey()))),
                    e.getKey() + " is as it was");
        }
        assertEquals(List.of("earlier-0000.txt"), entries(out.resolve("nodes")), "nothing added to the earlier results");
        assertEquals(List.of(".results.memfleet-lock", "results", "run.log", "tmp-run"), entries(work),
                "no staging directory left (the lock's small file stays, unlocked)");
        assertEquals(List.of(), entries(tmp), "the embedded broker's data removed");
    }

    @Test
    void runOnAStandingFleetInterruptedCancelsItsExperimentThereAndSaysSoWithItsId() throws Exception {
        String bootstrap = broker.bootstrapServers();
        Path tmp = work.resolve("tmp-standing");
        Launcher.Child controller = Launcher.spawn(work.resolve("controller.log"), jvm(tmp), "controller",
                "--bootstrap", bootstrap, "--topic-prefix", "standing", "--http-port", "0");
        Launcher.Child run = null;
        try {
            controller.awaitLine("the controller serving", Pattern.compile("memfleet controller: API token"), START);
            run = Launcher.spawn(work.resolve("run.log"), jvm(tmp), "run", Launcher.example("quickstart.yaml").toString(),
                    "--bootstrap", bootstrap, "--topic-prefix", "standing", "--agents", "1", "--out",
                    work.resolve("results").toString(), "--set", "duration=1h");
            run.awaitLine("the experiment under way", PROGRESS, START);
            assertInterruptedSaying(run, "memfleet run: interrupted: experiment quickstart-[a-z0-9]{6} cancelled on the "
                    + "fleet; nothing written to .*");
        } finally {
            if (run != null) {
                run.kill();
            }
            controller.kill();
        }
    }

    @Test
    void demoInterruptedCancelsItsExperiment() throws Exception {
        Path tmp = work.resolve("tmp-demo");
        Launcher.Child demo = Launcher.spawn(work.resolve("demo.log"), jvm(tmp), "demo", "--http-port", "0",
                "--speed", "1");
        try {
            demo.awaitLine("the demo under way", PROGRESS, START);
            assertInterruptedSaying(demo, "memfleet demo: interrupted: experiment demo-[a-z0-9]{6} cancelled "
                    + "\\(the embedded fleet stopped\\)");
        } finally {
            demo.kill();
        }
        assertEquals(List.of(), entries(tmp), "the embedded broker's data removed");
    }

    @Test
    void controllerAndAgentStopInOrderAndSaySo() throws Exception {
        String bootstrap = broker.bootstrapServers();
        Path tmp = work.resolve("tmp-services");
        Launcher.Child controller = Launcher.spawn(work.resolve("controller.log"), jvm(tmp), "controller",
                "--bootstrap", bootstrap, "--topic-prefix", "stop", "--http-port", "0");
        Launcher.Child agent = Launcher.spawn(work.resolve("agent.log"), jvm(tmp), "agent", "--bootstrap", bootstrap,
                "--topic-prefix", "stop", "--http-port", "0");
        try {
            controller.awaitLine("the controller serving", Pattern.compile("memfleet controller: API token"), START);
            agent.awaitLine("the agent running", Pattern.compile("memfleet agent: running"), START);
            Launcher.Exit a = agent.signalAndWait("INT", STOP);
            assertEquals(130, a.status(), agent.output());
            assertEquals("memfleet agent: stopped (1 loop(s) closed; the group gives their nodes to the other agents)",
                    lastLine(agent.output()));
            Launcher.Exit c = controller.signalAndWait("INT", STOP);
            assertEquals(130, c.status(), controller.output());
            assertEquals("memfleet controller: stopped (experiments in flight go on when a controller starts again on "
                    + "this fleet, or a standby takes over)", lastLine(controller.output()));
        } finally {
            agent.kill();
            controller.kill();
        }
        assertEquals(List.of(), entries(tmp));
    }

    @Test
    void clusterUpInterruptedStopsEveryProcessItStarted() throws Exception {
        Path dir = work.resolve("cluster");
        Launcher.Child up = Launcher.spawn(work.resolve("up.log"), jvm(work.resolve("tmp-up")), "cluster", "up",
                "--dir", dir.toString(), "--agents", "2", "--partitions", "3");
        String bootstrap;
        try {
            // interrupted once the broker runs and the controller is starting
            FleetHarness.await("the cluster's broker up and its controller starting", START, () -> {
                if (!up.process().isAlive()) {
                    throw new AssertionError("cluster up ended: " + up.output());
                }
                try {
                    return Files.exists(dir.resolve("cluster.json")) && !Launcher.bootstrap(dir).isEmpty()
                            && Launcher.processes(dir).containsKey("controller");
                } catch (IOException | RuntimeException e) {
                    return false; // the state file is being written
                }
            }, up::output);
            bootstrap = Launcher.bootstrap(dir);
            Launcher.Exit exit = up.signalAndWait("INT", STOP);
            assertEquals(130, exit.status(), up.output());
            Matcher m = Pattern.compile("memfleet cluster up: interrupted: stopped the (\\d+) process\\(es\\) it had "
                    + "started \\(logs kept in .*\\)").matcher(lastLine(up.output()));
            assertTrue(m.matches(), up.output());
            assertTrue(Integer.parseInt(m.group(1)) >= 2, up.output());
        } finally {
            up.kill();
        }
        String port = bootstrap.substring(bootstrap.lastIndexOf(':') + 1);
        List<String> left = ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("io.memfleet.cli.Main") && (c.contains(dir.toString()) || c.contains(":" + port)))
                .toList();
        assertEquals(List.of(), left, "no process of the cluster is left");
        assertTrue(!Files.exists(dir.resolve("cluster.json")), "no state of a cluster that is not up");
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1];
    }
}
