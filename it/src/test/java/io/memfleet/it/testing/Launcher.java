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
