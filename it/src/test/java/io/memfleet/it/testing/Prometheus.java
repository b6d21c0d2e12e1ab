package io.memfleet.it.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real Prometheus (the package .ci/run installs) started by a test on 127.0.0.1 with a
 * configuration and a data directory of the test's, awaited until ready, and stopped by its pid.
 */
public final class Prometheus implements AutoCloseable {
    public static final Path BINARY = Path.of(System.getProperty("memfleet.prometheus", "/usr/bin/prometheus"));
    public static final Path PROMTOOL = Path.of(System.getProperty("memfleet.promtool", "/usr/bin/promtool"));

    private final Process process;
    private final Path log;
    private final int port;

    private Prometheus(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** True when both the server and promtool are installed. */
    public static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isExecutable(PROMTOOL);
    }

    /**
     * Starts it with {@code config} (prometheus.yml's text) in {@code dir}, on {@code data}, with
     * any further {@code flags}, and waits until it is ready.
     */
    public static Prometheus start(Path dir, String config, Path data, String... flags) throws IOException {
        Path yml = Files.writeString(dir.resolve("prometheus.yml"), config);
        Path log = dir.resolve("prometheus.log");
        int port = Ports.free();
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(BINARY.toString(), "--config.file=" + yml,
                "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port));
        cmd.addAll(java.util.List.of(flags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Prometheus prom = new Prometheus(p, log, port);
        HttpClient http = HttpClient.newHttpClient();
        FleetHarness.await("Prometheus ready", Duration.ofSeconds(60), () -> prom.ready(http), prom::logTail);
        return prom;
    }

    private boolean ready(HttpClient http) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The last 2,000 characters of its log, for a failure's message. */
    public String logTail() {
        try {
            String s = Files.readString(log);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.toHandle().destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.toHandle().destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
