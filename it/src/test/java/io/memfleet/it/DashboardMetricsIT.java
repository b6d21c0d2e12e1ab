package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.agent.kafka.AgentHttp;
import io.memfleet.agent.kafka.AgentLoop;
import io.memfleet.controller.ControllerConfig;
import io.memfleet.controller.ControllerRuntime;
import io.memfleet.it.testing.EmbeddedBrokerTest;
import io.memfleet.it.testing.FleetHarness;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.NodeSelector;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every metric the Grafana dashboards in deploy/ query has samples in a real fleet's /metrics
 * (the controller's, and the agents' for memfleet_agent_*) while a real experiment runs and after
 * a configuration rollout: a renamed metric cannot leave a dashboard panel silently empty.
 */
@Timeout(300)
class DashboardMetricsIT extends EmbeddedBrokerTest {
    private static final Path DASHBOARDS = Path.of(System.getProperty("memfleet.deploy.dir", "../deploy"),
            "grafana", "dashboards");
    private static final Pattern METRIC = Pattern.compile("memfleet_[a-z0-9_]+");
    private final HttpClient http = HttpClient.newHttpClient();

    /** The metric names the dashboards' panels and variables query. */
    private static Set<String> queried() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonObject d = new JsonObject(Files.readString(p));
                StringBuilder exprs = new StringBuilder();
                for (Object panel : d.getJsonArray("panels")) {
                    for (Object t : ((JsonObject) panel).getJsonArray("targets", new JsonArray())) {
                        exprs.append(((JsonObject) t).getString("expr")).append('\n');
                    }
                }
                for (Object v : d.getJsonObject("templating").getJsonArray("list")) {
                    exprs.append(((JsonObject) v).getString("definition")).append('\n');
                }
                Matcher m = METRIC.matcher(exprs);
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }

    /** The names of the metrics with at least one sample in a Prometheus text exposition. */
    private static Set<String> sampled(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
                names.add(line.substring(0, end));
            }
        }
        return names;
    }

    private String get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path);
        return r.body();
    }

    @Test
    void everyMetricADashboardQueriesHasSamplesWhileAnExperimentRuns() throws Exception {
        Set<String> wanted = queried();
        assertTrue(wanted.size() >= 15, "the dashboards query the fleet: " + wanted);
        String yaml = Files.readString(Path.of(System.getProperty("memfleet.examples", "../examples"), "quickstart.yaml"))
                .replace("nodes: 24", "nodes: 6") + "\nspeed: 5\n";
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "dash", 3)) {
            AgentLoop agent = f.startAgent("dash-agent");
            f.startGenerator(1); // stopped with the harness
            try (AgentHttp agentHttp = new AgentHttp("127.0.0.1", 0, List.of(agent));
                 ControllerRuntime c = new ControllerRuntime(ControllerConfig.of(f.bootstrap(), f.topics(), 0),
                         new PrintStream(System.err, true))) {
                HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + c.httpPort() + "/api/experiments?source=quickstart.yaml"))
                        .header("Authorization", "Bearer " + c.token()).header("Content-Type", "application/yaml")
                        .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(201, submitted.statusCode(), submitted.body());
                String id = new JsonObject(submitted.body()).getString("id");
                FleetHarness.await("the experiment's nodes report", () -> {
                    try {
                        return get(c.httpPort(), "/metrics").contains("memfleet_fleet_nodes 6");
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                c.applyRollout(ConfigRollout.newBuilder().setRolloutId("dash-web-limit").setGeneration(1)
                        .setSelector(NodeSelector.newBuilder().setAll(true))
                        .addCgroups(CgroupConfig.newBuilder().setPath("/web").setLimitInBytes(256L << 20)).build());
                Set<String> seen = new TreeSet<>();
                FleetHarness.await("every dashboard metric has samples", Duration.ofSeconds(120), () -> {
                    try {
                        seen.addAll(sampled(get(c.httpPort(), "/metrics")));
                        seen.addAll(sampled(get(agentHttp.port(), "/metrics")));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    return seen.containsAll(wanted);
                }, () -> {
                    Set<String> missing = new TreeSet<>(wanted);
                    missing.removeAll(seen);
                    return "no samples of " + missing + " (experiment " + id + ")";
                });
            }
        }
    }
}
