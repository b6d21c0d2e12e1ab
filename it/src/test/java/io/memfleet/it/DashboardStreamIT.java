package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.EmbeddedBrokerTest;
import io.memfleet.it.testing.FleetHarness;
import io.memfleet.it.testing.Launcher;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and hostile clients against a real controller process with a small heap: 200 clients open
 * the dashboard's stream and never read, for a minute, while an experiment runs. The controller
 * keeps answering /healthz, a client that does read keeps getting its updates, the number of
 * streams stays bounded, clients that stay behind are dropped, and the heap stays small.
 */
@Timeout(400)
class DashboardStreamIT extends EmbeddedBrokerTest {
    private static final int HOSTILE = 200;
    private static final Duration MINUTE = Duration.ofSeconds(60);
    private static final String TOKEN = "stream-test-token-0123456789";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A connection that asks for the stream and then never reads (its receive buffer as small as the OS allows). */
    private static Socket hostile(int port, String experiment) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(1024);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.getOutputStream().write(("GET /api/stream?experiment=" + experiment + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private static double metric(String body, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(body);
        assertTrue(m.find(), name + " in /metrics");
        return Double.parseDouble(m.group(1));
    }

    @Test
    void twoHundredClientsThatNeverReadCannotHurtTheController() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "streams", 3)) {
            f.startAgent("streams-agent");
            Launcher.Child controller = Launcher.spawn(work.resolve("controller.log"),
                    List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=" + Files.createDirectories(
                            work.resolve("tmp"))), "controller", "--bootstrap", f.bootstrap(), "--topic-prefix", "streams",
                    "--partitions", "3", "--http-port", "0", "--token", TOKEN, "--generator-threads", "1");
            List<Socket> sockets = new ArrayList<>();
            Thread reader = null;
            try {
                int port = Integer.parseInt(controller.awaitLine("the controller serving",
                        Pattern.compile("memfleet controller: http://127\\.0\\.0\\.1:(\\d+)/"), Duration.ofSeconds(120))
                        .group(1));
                String api = "http://127.0.0.1:" + port;
                String yaml = Files.readString(Launcher.example("quickstart.yaml")).replace("duration: 30s", "duration: 600s")
                        + "\nspeed: 10\n";
                HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(api + "/api/experiments"))
                        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/yaml")
                        .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(201, submitted.statusCode(), submitted.body());
                String id = new JsonObject(submitted.body()).getString("id");

                AtomicLong updates = new AtomicLong();
                Socket good = hostile(port, id);
                sockets.add(good); // closed at the end, which ends the reader
                reader = new Thread(() -> {
                    byte[] buf = new byte[1 << 16];
                    byte[] marker = "event: update".getBytes(StandardCharsets.US_ASCII);
                    int matched = 0;
                    try (InputStream in = good.getInputStream()) {
                        for (int n; (n = in.read(buf)) > 0; ) {
                            for (int i = 0; i < n; i++) {
                                matched = buf[i] == marker[matched] ? matched + 1 : buf[i] == marker[0] ? 1 : 0;
                                if (matched == marker.length) {
                                    updates.incrementAndGet();
                                    matched = 0;
                                }
                            }
                        }
                    } catch (IOException e) {
                        // the test closes it
                    }
                }, "stream-reader");
                reader.start();
                FleetHarness.await("the reading client gets updates", Duration.ofSeconds(60), () -> updates.get() >= 2);
                for (int i = 0; i < HOSTILE; i++) { // each refused or accepted as it comes
                    sockets.add(hostile(port, id));
                }

                long end = System.nanoTime() + MINUTE.toNanos();
                long slowestMs = 0;
                long before = updates.get();
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> h = get(api + "/healthz");
                    slowestMs = Math.max(slowestMs, (System.nanoTime() - t0) / 1_000_000);
                    assertEquals(200, h.statusCode());
                    assertTrue(controller.process().isAlive(), controller.output());
                    LockSupport.parkNanos(1_000_000_000L); // one probe a second over the minute: pacing, not waiting
                }
                long during = updates.get() - before;
                String metrics = get(api + "/metrics").body();
                System.out.printf("DashboardStreamIT: slowest /healthz %d ms, %d updates read in the minute, %s%n",
                        slowestMs, during, metrics.lines().filter(l -> l.startsWith("memfleet_dashboard")
                                || l.startsWith("jvm_memory_used_bytes{area=\"heap\"}")).toList());
                assertTrue(during >= 10, "the reading client kept getting updates: " + during);
                assertTrue(metric(metrics, "memfleet_dashboard_streams") <= 100, "streams bounded");
                assertTrue(metric(metrics, "memfleet_dashboard_streams_refused_total") >= HOSTILE + 1 - 100,
                        "streams past the bound refused");
                assertTrue(metric(metrics, "memfleet_dashboard_streams_dropped_total") >= 1,
                        "clients that stayed behind dropped");
                assertTrue(metric(metrics, "jvm_memory_used_bytes{area=\"heap\"}") < 200e6, "the heap stays small");
                assertTrue(controller.process().isAlive(), controller.output());
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
                controller.kill();
                if (reader != null) {
                    reader.join(10_000);
                }
            }
        }
    }
}
