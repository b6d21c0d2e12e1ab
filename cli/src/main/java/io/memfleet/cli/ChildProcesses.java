package io.memfleet.cli;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Starting memfleet commands as separate JVMs that outlive this one (their own session, input
 * from /dev/null, output to a log file), asking them whether they are healthy, and stopping them
 * by pid: SIGTERM first, SIGKILL when they do not go.
 */
final class ChildProcesses {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The launcher script's JVM options (see ./memfleet): throughput collector, smaller C2 inlining. */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseParallelGC", "-XX:MetaspaceSize=128m",
            "-XX:FreqInlineSize=100", "-XX:InlineSmallCode=1000");

    private ChildProcesses() {
    }

    /** Starts {@code memfleet ARGS} in a new JVM with {@code heap}; returns its pid. */
    static long start(String heap, Path log, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid"); // its own session: Ctrl-C in this terminal does not reach it
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx" + heap);
        cmd.add("-Xms" + heap); // the whole heap from the start: no full collections while it grows
        if (!args.isEmpty() && !args.get(0).equals("agent")) {
            // an agent sheds nodes under heap pressure and quarantines the node whose event ran out of
            // heap; any other process stops at once rather than run on in a broken state
            cmd.add("-XX:+ExitOnOutOfMemoryError");
        }
        cmd.addAll(JVM_OPTIONS);
        String extra = System.getenv("MEMFLEET_CHILD_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("memfleet.classpath", System.getProperty("java.class.path")));
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("MEMFLEET_BOOTSTRAP");
        return pb.start().pid();
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** True when GET {@code url} answers 200. */
    static boolean healthy(String url) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True when something accepts connections on 127.0.0.1:{@code port}. */
    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until {@code ok} holds; fails naming {@code what} and its log when the process dies or time runs out. */
    static void await(String what, long pid, Path log, Duration timeout, BooleanSupplier ok) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ok.getAsBoolean()) {
            if (!alive(pid)) {
                throw new UserError(what + " (pid " + pid + ") exited while starting; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new UserError(what + " (pid " + pid + ") was not healthy within " + timeout.toSeconds() + " s; see "
                        + log);
            }
            try {
                // polling a child process's health (nothing to wait on in-process), or Ctrl-C
                if (Shutdown.process().awaitRequest(java.time.Duration.ofMillis(200))) {
                    throw new Shutdown.Interrupted();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted while waiting for " + what);
            }
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}; true if the process is gone. */
    static boolean stop(long pid, Duration grace) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return true;
        }
        h.get().destroy();
        try {
            h.get().onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            h.get().destroyForcibly();
            try {
                h.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                return true;
            } catch (Exception ex) {
                return !h.get().isAlive();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !h.get().isAlive();
        }
    }

    /** SIGTERM to all at once, then SIGKILL to those still there after {@code grace}; true if all are gone. */
    static boolean stopAll(List<Long> pids, Duration grace) {
        List<ProcessHandle> live = new ArrayList<>();
        for (long pid : pids) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(h -> {
                h.destroy();
                live.add(h);
            });
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : live) {
            try {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                h.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                h.destroyForcibly();
            }
        }
        return live.stream().noneMatch(ProcessHandle::isAlive);
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UserError("no free port on 127.0.0.1: " + e.getMessage());
        }
    }
}
