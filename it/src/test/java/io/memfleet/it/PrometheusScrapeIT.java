package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.agent.kafka.AgentLoop;
import io.memfleet.controller.ControllerConfig;
import io.memfleet.controller.ControllerRuntime;
import io.memfleet.controller.model.FleetMetrics;
import io.memfleet.it.testing.EmbeddedBrokerTest;
import io.memfleet.it.testing.FleetHarness;
import io.memfleet.it.testing.Prometheus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's package, which .ci/run installs) scrapes a real controller
 * while an experiment runs: PromQL answers what the controller's JSON API says, and promtool
 * finds nothing to complain about in the exposition, cAdvisor names included.
 */
@Timeout(300)
class PrometheusScrapeIT extends EmbeddedBrokerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private JsonObject getJson(String url) {
        String body = get(url);
        return body == null ? null : new JsonObject(body);
    }

    private String get(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The single value of an instant PromQL query, or null while it has none. */
    private Double promql(int port, String query) {
        JsonObject r = getJson("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
        if (r == null || !"success".equals(r.getString("status"))) {
            return null;
        }
        JsonArray result = r.getJsonObject("data").getJsonArray("result");
        return result.size() == 1 ? Double.valueOf(result.getJsonObject(0).getJsonArray("value").getString(1)) : null;
    }

    @Test
    void promqlAgreesWithTheApiAndPromtoolFindsNoProblems() throws Exception {
        Assumptions.assumeTrue(Prometheus.installed(),
                "Prometheus is not installed (.ci/run installs Debian's prometheus package); skipping the real scrape");
        String yaml = Files.readString(Path.of(System.getProperty("memfleet.examples", "../examples"), "quickstart.yaml"))
                .replace("nodes: 24", "nodes: 6") + "\nspeed: 1\n";
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "prom", 3)) {
            AgentLoop agent = f.startAgent("prom-agent");
            assertTrue(agent.isRunning());
            f.startGenerator(1); // stopped with the harness
            try (ControllerRuntime c = new ControllerRuntime(ControllerConfig.of(f.bootstrap(), f.topics(), 0)
                    .withMetrics(new FleetMetrics.Options(1000, 64, true)),
                    new PrintStream(System.err, true))) {
                String config = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                        + "scrape_configs:\n  - job_name: memfleet-controller\n    static_configs:\n"
                        + "      - targets: ['127.0.0.1:" + c.httpPort() + "']\n";
                try (Prometheus prom = Prometheus.start(dir, config, dir.resolve("data"))) {
                    int promPort = prom.port();
                    HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + c.httpPort() + "/api/experiments?source=quickstart.yaml"))
                            .header("Authorization", "Bearer " + c.token()).header("Content-Type", "application/yaml")
                            .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(201, submitted.statusCode(), submitted.body());
                    String api = "http://127.0.0.1:" + c.httpPort();
                    FleetHarness.await("Prometheus sees the experiment's 6 nodes", Duration.ofSeconds(120), () -> {
                        Double v = promql(promPort, "memfleet_fleet_nodes");
                        JsonObject fleet = getJson(api + "/api/fleet");
                        return v != null && fleet != null && v == 6.0 && fleet.getInteger("nodes") == 6;
                    }, () -> "prometheus log: " + prom.logTail());
                    double[] last = new double[2];
                    FleetHarness.await("PromQL's OOM kills in /batch equal the API's", Duration.ofSeconds(120), () -> {
                        Double v = promql(promPort, "sum(memfleet_fleet_oom_kills_total{cgroup=\"/batch\"})");
                        String cg = get(api + "/api/cgroups");
                        long fromApi = cg == null ? -1 : new JsonArray(cg).stream()
                                .map(JsonObject.class::cast).filter(o -> o.getString("cgroup").equals("/batch"))
                                .mapToLong(o -> o.getLong("oom_kills")).sum();
                        last[0] = v == null ? -1 : v;
                        last[1] = fromApi;
                        return v != null && fromApi > 0 && v == fromApi;
                    }, () -> "promql " + last[0] + ", api " + last[1]);
                    Double cadvisor = promql(promPort, "count(container_memory_usage_bytes{id=\"/web\"})");
                    assertEquals(6.0, cadvisor, "cAdvisor-named series, one per node");

                    Path exposition = dir.resolve("metrics.txt");
                    HttpResponse<Path> m = http.send(HttpRequest.newBuilder(URI.create(api + "/metrics")).build(),
                            HttpResponse.BodyHandlers.ofFile(exposition));
                    assertEquals(200, m.statusCode());
                    Process check = new ProcessBuilder(Prometheus.PROMTOOL.toString(), "check", "metrics")
                            .redirectErrorStream(true).redirectInput(exposition.toFile()).start();
                    String problems = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(check.waitFor(60, TimeUnit.SECONDS));
                    assertEquals(0, check.exitValue(), problems);
                    assertEquals("", problems.trim());
                }
            }
        }
    }
}
