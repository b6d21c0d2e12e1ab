package io.memfleet.it.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.cli.Main;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The launcher as tests use it: memfleet commands run in this JVM (the submitting CLI, cluster
 * up/down), child JVMs started from the packaged launcher's classpath, and the outputs of runs
 * compared file by file.
 */
public final class Launcher {
    static {
        String cp = System.getProperty("memfleet.launcher.classpath");
        if (cp != null) {
            System.setProperty("memfleet.classpath", cp); // child JVMs run the packaged launcher
        }
    }

    private Launcher() {
    }

    /** What a command printed and its exit status. */
    public record Outcome(int status, String out, String err) { }

    public static Outcome memfleet(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.execute(args, o, e);
        }
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public static Outcome ok(String... args) {
        Outcome o = memfleet(args);
        assertEquals(0, o.status(), String.join(" ", args) + "\n" + o.out() + o.err());
        return o;
    }

    public static Path example(String name) {
        return Path.of(System.getProperty("memfleet.examples", "../examples"), name);
    }

    /**
     * A memfleet command in a JVM of its own, as a user starts it: Ctrl-C (SIGINT) and SIGTERM at
     * their default disposition (whatever this JVM inherited), its output in a log file.
     */
    public record Child(Process process, Path log) {
        public long pid() {
            return process.pid();
        }

        public String output() {
            try {
                return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                return "(log unreadable: " + e + ")";
            }
        }

        /** Waits until the output has a line that {@code pattern} finds; fails with the output if the process ends first. */
        public java.util.regex.Matcher awaitLine(String what, java.util.regex.Pattern pattern, java.time.Duration timeout) {
            java.util.regex.Matcher[] m = {null};
            FleetHarness.await(what, timeout, () -> {
                java.util.regex.Matcher found = pattern.matcher(output());
                if (found.find()) {
                    m[0] = found;
                    return true;
                }
                if (!process.isAlive()) {
                    throw new AssertionError(what + ": the process ended (" + process.exitValue() + "):\n" + output());
                }
                return false;
            }, this::output);
            return m[0];
        }

        /** Sends {@code signal} and waits up to {@code timeout} for the exit; returns the exit status and the wait. */
        public Exit signalAndWait(String signal, java.time.Duration timeout) throws Exception {
            long t0 = System.nanoTime();
            Launcher.signal(pid(), signal);
            boolean ended = process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - t0);
            if (!ended) {
                process.destroyForcibly();
                throw new AssertionError("still running " + timeout.toSeconds() + " s after SIG" + signal + ":\n"
                        + output());
            }
            return new Exit(process.exitValue(), took);
        }

        public void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** How a child ended: its status and how long after the signal. */
    public record Exit(int status, java.time.Duration took) { }

    /** Starts {@code memfleet ARGS} in a new JVM ({@code jvm}: extra JVM options) writing to {@code log}. */
    public static Child spawn(Path log, List<String> jvm, String... args) throws IOException {
        return spawnWrapped(List.of(), log, jvm, args);
    }

    /** As {@link #spawn}, the JVM started through {@code wrapper} ({@code ip netns exec NS}, say). */
    public static Child spawnWrapped(List<String> wrapper, Path log, List<String> jvm, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(List.of("/usr/bin/env", "--default-signal=INT,TERM",
                ProcessHandle.current().info().command().orElse("java"), "-XX:+UseParallelGC"));
        cmd.addAll(jvm);
        cmd.add("-cp");
        cmd.add(System.getProperty("memfleet.classpath", System.getProperty("java.class.path")));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("MEMFLEET_BOOTSTRAP");
        return new Child(pb.start(), log);
    }

    /** The processes a {@code cluster up} in {@code dir} started, by name: pid, port, role. */
    public static Map<String, JsonObject> processes(Path dir) throws IOException {
        JsonObject state = new JsonObject(Files.readString(dir.resolve("cluster.json")));
        Map<String, JsonObject> out = new HashMap<>();
        JsonArray ps = state.getJsonArray("processes");
        ps.forEach(o -> out.put(((JsonObject) o).getString("name"), (JsonObject) o));
        return out;
    }

    public static String bootstrap(Path dir) throws IOException {
        return new JsonObject(Files.readString(dir.resolve("cluster.json"))).getString("bootstrap");
    }

    /** SIGKILL of a process by pid, waiting until it is gone. */
    public static void kill9(long pid) throws Exception {
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));
        h.destroyForcibly();
        h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Sends a signal (STOP, CONT, ...) to a process by pid with kill(1). */
    public static void signal(long pid, String name) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "kill -" + name + " " + pid + ": " + said);
    }

    /** Stops whatever of a cluster still runs, by pid (a safety net after the tests). */
    public static void killAll(Path dir) {
        try {
            if (Files.exists(dir.resolve("cluster.json"))) {
                memfleet("cluster", "down", "--dir", dir.toString(), "--grace", "10s");
            }
        } catch (RuntimeException e) {
            // the next line still stops them
        }
        try {
            for (JsonObject p : processes(dir).values()) {
                ProcessHandle.of(p.getLong("pid")).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException | RuntimeException e) {
            // nothing left to stop
        }
    }

    /** The results of a run that must not differ however it ran: summary.json and every node's file. */
    public static Map<String, byte[]> results(Path dir) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        out.put("summary.json", Files.readAllBytes(dir.resolve("summary.json")));
        try (Stream<Path> s = Files.list(dir.resolve("nodes"))) {
            for (Path p : s.toList()) {
                out.put("nodes/" + p.getFileName(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    public static void assertSameResults(Path expected, Path actual) throws IOException {
        Map<String, byte[]> a = results(expected);
        Map<String, byte[]> b = results(actual);
        assertEquals(a.keySet(), b.keySet(), "the same files");
        List<String> differ = new ArrayList<>();
        for (String f : a.keySet()) {
            if (!java.util.Arrays.equals(a.get(f), b.get(f))) {
                differ.add(f);
            }
        }
        assertTrue(differ.isEmpty(), "files that differ between " + expected + " and " + actual + ": " + differ);
    }
}
