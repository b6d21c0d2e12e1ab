package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.controller.ControllerConfig;
import io.memfleet.controller.ControllerRuntime;
import io.memfleet.controller.model.RolloutStatus;
import io.memfleet.it.testing.EmbeddedBrokerTest;
import io.memfleet.it.testing.FleetHarness;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.NodeSelector;
import io.memfleet.proto.v1.NodeTelemetry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The controller against a real (embedded KRaft) broker with real agent loops: HTTP API, rollouts, experiments. */
@Timeout(300)
class ControllerIT extends EmbeddedBrokerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(ControllerRuntime c, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (!method.equals("GET")) {
            b.header("Authorization", "Bearer " + c.token());
        }
        if (body != null) {
            b.header("Content-Type", path.startsWith("/api/config") ? "application/json" : "application/yaml");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String get(ControllerRuntime c, String path) throws Exception {
        HttpResponse<String> r = call(c, "GET", path, null);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    private static ControllerRuntime controller(FleetHarness f) throws Exception {
        f.startGenerator(2);
        return new ControllerRuntime(ControllerConfig.of(f.bootstrap(), f.topics(), 0),
                new PrintStream(System.err, true));
    }

    private static <T> T query(ControllerRuntime c, Function<io.memfleet.controller.model.FleetState, T> q) {
        try {
            return c.query(q);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRolloutWithOneRejectedValueReportsThatNodesErrnoWhileTheOthersApply() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "ctl-rollout", 3)) {
            f.startAgent("ctl-rollout-agent");
            for (String n : List.of("k1", "k2", "k3")) {
                f.send(n, "node mem=256M", "mkdir /web", "spawn 1 /web", n.equals("k2") ? "mlock 1 +8M" : "anon 1 +1M",
                        "tick 1s");
            }
            f.flush();
            try (ControllerRuntime c = controller(f)) {
                FleetHarness.await("the controller sees 3 nodes", () -> query(c, s -> s.nodes().size()) == 3);
                c.applyRollout(ConfigRollout.newBuilder().setRolloutId("shrink").setGeneration(1)
                        .setSelector(NodeSelector.newBuilder().setAll(true))
                        .addCgroups(CgroupConfig.newBuilder().setPath("/web").setLimitInBytes(4L << 20)).build());
                FleetHarness.await("every node answered", () -> query(c, s -> s.rollouts().get("shrink")
                        .count(RolloutStatus.State.PENDING)) == 0);
                JsonObject status = new JsonObject(get(c, "/api/config/shrink"));
                assertEquals(2, status.getInteger("acked"), status.encode());
                assertEquals(1, status.getInteger("failed"), status.encode());
                JsonObject k2 = status.getJsonObject("nodes").getJsonObject("k2");
                assertEquals("failed", k2.getString("state"));
                assertEquals("EBUSY", k2.getJsonObject("errno").getString("/web/memory.limit_in_bytes"));
            }
        }
    }

    @Test
    void fleetAggregatesEqualWhatThePerNodeTelemetryImpliesAndMetricsParse() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "ctl-agg", 3)) {
            f.startAgent("ctl-agg-agent");
            List<String> nodes = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                String n = "a" + i;
                nodes.add(n);
                f.send(n, "node mem=512M seed=" + (i + 1), "mkdir /web", "mkdir /db",
                        "echo " + (8 + i) + "M > /db/memory.limit_in_bytes", "spawn 1 /web", "spawn 2 /db",
                        "anon 1 +" + (100 * (i + 1)) + "K", "dentry 1 +1", "tick 10ms", "dentry 1 +" + (30 * i),
                        "anon 2 +" + (4 * i) + "M", "tick 1s");
                f.send(n, f.sample(n));
            }
            f.flush();
            Map<String, NodeTelemetry> latest = new TreeMap<>();
            List<ConsumerRecord<String, byte[]>> recs = f.readUntil(f.topics().telemetry(), rs -> {
                latest.clear();
                for (ConsumerRecord<String, byte[]> r : rs) {
                    try {
                        NodeTelemetry t = NodeTelemetry.parseFrom(r.value());
                        latest.merge(t.getNodeId(), t, (a, b) -> b.getSeq() > a.getSeq() ? b : a);
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }
                return latest.size() == nodes.size() && latest.values().stream().allMatch(t -> t.getSeq() >= 1);
            });
            try (ControllerRuntime c = controller(f)) {
                FleetHarness.await("the controller consumed the telemetry",
                        () -> query(c, s -> s.telemetryRecords()) >= recs.size());
                JsonArray cgroups = new JsonArray(get(c, "/api/cgroups"));
                for (String path : List.of("/web", "/db")) {
                    long[] usage = latest.values().stream().flatMap(t -> t.getCgroupsList().stream())
                            .filter(g -> g.getPath().equals(path)).mapToLong(CgroupSample::getUsageInBytes).sorted().toArray();
                    JsonObject agg = cgroups.stream().map(o -> (JsonObject) o)
                            .filter(o -> o.getString("cgroup").equals(path)).findFirst().orElseThrow();
                    assertEquals(usage.length, agg.getInteger("nodes"));
                    JsonObject s = agg.getJsonObject("usage_in_bytes");
                    assertEquals(usage[0], s.getLong("min"), s.encode());
                    assertEquals(usage[usage.length - 1], s.getLong("max"), s.encode());
                    assertEquals(Arrays.stream(usage).sum(), s.getLong("sum"), s.encode());
                }
                String metrics = get(c, "/metrics");
                assertTrue(metrics.contains("memfleet_fleet_nodes 7"), metrics);
                assertTrue(metrics.lines().allMatch(l -> l.startsWith("# ") || l.matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? \\S+")),
                        "every line is a comment or a sample");
            }
        }
    }

    private static final String[] FUZZ_PATHS = {"/api/config", "/api/config/r", "/api/experiments",
        "/api/experiments/x", "/api/experiments/x/series", "/api/nodes", "/api/nodes/a/b", "/api/fleet", "/api/cgroups",
        "/api/caches", "/api/distribution", "/metrics", "/healthz", "/assets/app.js", "/assets/../../etc/passwd",
        "/api/experiments?source=../../x", "/api/nodes/%00", "/api/config/%2e%2e", "/" + "a".repeat(5000),
        "/api/experiments/x/series?cgroup=%25ZZ", "/api/distribution?metric=usage&bins=-1"};
    private static final String[] FUZZ_VALUES = {"18446744073709551616", "-1", "0", "1e400", "\"64M\"", "null", "true",
        "[]", "{}", "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]", "\"\\u0000\"", "\"/../..\"", "9223372036854775807", "1.5"};

    private static String fuzzBody(java.util.SplittableRandom rnd, String yaml) {
        String json = "{\"rollout_id\": \"fz\", \"selector\": {\"prefix\": \"nobody/\"}, \"cgroups\": [{\"path\": \"/a\", "
                + "\"limit_in_bytes\": 1048576, \"use_hierarchy\": true, \"kmem_limit_in_bytes\": 4096}]}";
        String body = rnd.nextBoolean() ? json : yaml;
        switch (rnd.nextInt(4)) {
            case 0 -> body = body.replaceFirst("(1048576|4096|true|\"/a\"|\"fz\"|nodes: 1)",
                    java.util.regex.Matcher.quoteReplacement(FUZZ_VALUES[rnd.nextInt(FUZZ_VALUES.length)]));
            case 1 -> body = body.substring(0, rnd.nextInt(body.length()));
            case 2 -> {
                char[] c = body.toCharArray();
                for (int k = 0; k < 1 + rnd.nextInt(5); k++) {
                    c[rnd.nextInt(c.length)] = (char) rnd.nextInt(128);
                }
                body = new String(c);
            }
            default -> { }
        }
        return body;
    }

    @Test
    void fuzzedRequestsAreAnsweredWithClientErrorsNeverAServerErrorAndTheApiStaysUp() throws Exception {
        String yaml = Files.readString(Path.of(System.getProperty("memfleet.examples", "../examples"), "quickstart.yaml"))
                .replace("nodes: 24", "nodes: 1").replace("duration: 30s", "duration: 1s");
        java.util.Set<Integer> allowed = java.util.Set.of(200, 201, 202, 400, 401, 404, 405, 409, 413, 415);
        Map<Integer, Integer> statuses = new TreeMap<>();
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "ctl-fuzz", 2);
             ControllerRuntime c = controller(f)) {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(Long.getLong("memfleet.seed", 7));
            String[] methods = {"GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS"};
            String[] types = {"application/json", "application/yaml", "text/plain", "application/x-www-form-urlencoded",
                "application/json; charset=utf-16", ""};
            for (int i = 0; i < 1500; i++) {
                String method = methods[rnd.nextInt(methods.length)];
                String path = FUZZ_PATHS[rnd.nextInt(FUZZ_PATHS.length)];
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + path));
                String body = method.equals("GET") ? null : fuzzBody(rnd, yaml);
                b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
                if (rnd.nextInt(5) != 0) {
                    b.header("Authorization", "Bearer " + (rnd.nextInt(10) == 0 ? "x" : c.token()));
                }
                String type = types[rnd.nextInt(types.length)];
                if (body != null && !type.isEmpty()) {
                    b.header("Content-Type", type);
                }
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                statuses.merge(r.statusCode(), 1, Integer::sum);
                String what = method + " " + path + " " + type + " " + body + " -> " + r.statusCode() + " " + r.body();
                assertTrue(allowed.contains(r.statusCode()), what);
                assertTrue(!r.body().contains("Exception") && !r.body().contains("\tat "), what);
                if (r.statusCode() >= 400 && path.startsWith("/api") && r.headers().firstValue("content-type")
                        .orElse("").startsWith("application/json")) {
                    assertTrue(new JsonObject(r.body()).containsKey("error"), what);
                }
            }
            assertEquals("ok\n", get(c, "/healthz"));
            get(c, "/api/fleet");
            HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort()
                    + "/api/nodes")).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Bearer " + c.token())
                    .POST(HttpRequest.BodyPublishers.ofString("a=" + "x".repeat(100_000))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(415, form.statusCode(), "a long form field is refused before it is read: " + form.body());
            System.out.println("ControllerIT fuzz statuses: " + statuses);
            assertTrue(statuses.keySet().stream().anyMatch(s -> s >= 400) && statuses.containsKey(200), statuses.toString());
        }
    }

    @Test
    void anExperimentPostedOverHttpRunsToDoneWithASummaryAndAnInvalidOneIsRefusedWithItsLine() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "ctl-exp", 4)) {
            f.startAgent("ctl-exp-agent");
            String yaml = Files.readString(Path.of(System.getProperty("memfleet.examples", "../examples"), "quickstart.yaml"))
                    .replace("nodes: 24", "nodes: 6").replace("duration: 30s", "duration: 5s");
            try (ControllerRuntime c = controller(f)) {
                HttpResponse<String> bad = call(c, "POST", "/api/experiments?source=q.yaml",
                        yaml.replace("dentry-walker", "dentry-walkr"));
                assertEquals(400, bad.statusCode());
                JsonObject err = new JsonObject(bad.body());
                assertTrue(err.getString("error").startsWith("q.yaml:"), err.encode());
                assertEquals("workloads[0].model", err.getString("field"));
                assertTrue(err.getInteger("line") > 1);
                String url = "http://127.0.0.1:" + c.httpPort();
                HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(url + "/api/config"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(401, anonymous.statusCode(), "no token, no change: " + anonymous.body());
                HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(url + "/api/config"))
                        .header("Authorization", "Bearer " + c.token()).header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(415, form.statusCode(), form.body());
                assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(url + "/api/experiments/x"))
                        .header("Authorization", "Bearer wrong-token-wrong-token").DELETE().build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode());
                for (String[] badValue : new String[][] {{"18446744073709551616", "limit_in_bytes"}, {"-7", "limit_in_bytes"},
                    {"\"64M\"", "limit_in_bytes"}, {"1", "use_hierarchy"}}) {
                    HttpResponse<String> r = call(c, "POST", "/api/config", "{\"rollout_id\": \"r\", \"cgroups\": [{\"path\": "
                            + "\"/a\", \"" + badValue[1] + "\": " + badValue[0] + "}]}");
                    assertEquals(400, r.statusCode(), r.body());
                    assertTrue(new JsonObject(r.body()).getString("error").startsWith("cgroups[0]." + badValue[1] + ": expected"),
                            r.body());
                }
                HttpResponse<String> wrongType = call(c, "POST", "/api/config", "{\"rollout_id\": 7, \"cgroups\": []}");
                assertEquals(400, wrongType.statusCode());
                assertTrue(!wrongType.body().contains("ClassCastException"), wrongType.body());
                HttpResponse<String> ok = call(c, "POST", "/api/experiments?source=q.yaml", yaml);
                assertEquals(201, ok.statusCode(), ok.body());
                String id = new JsonObject(ok.body()).getString("id");
                assertTrue(id.startsWith("quickstart-"), id);
                // an experiment's nodes take configuration only from its file, and the live path says so
                HttpResponse<String> midRun = call(c, "POST", "/api/config", "{\"rollout_id\": \"mid-run\", \"selector\": "
                        + "{\"nodes\": [\"" + id + "/0\"]}, \"cgroups\": [{\"path\": \"/web\", \"limit_in_bytes\": 1048576}]}");
                assertEquals(409, midRun.statusCode(), midRun.body());
                assertTrue(midRun.body().contains("take configuration only from its file"), midRun.body());
                HttpResponse<String> all = call(c, "POST", "/api/config", "{\"rollout_id\": \"standing\", \"selector\": "
                        + "{\"all\": true}, \"cgroups\": [{\"path\": \"/web\", \"limit_in_bytes\": 1048576}]}");
                assertEquals(202, all.statusCode(), all.body());
                assertTrue(new JsonObject(all.body()).getString("note").startsWith("experiments' nodes are not changed"));
                FleetHarness.await("the experiment is done", Duration.ofSeconds(120),
                        () -> state(c, id).equals("done"));
                JsonObject done = new JsonObject(get(c, "/api/experiments/" + id));
                assertEquals(6, done.getJsonObject("summary").getInteger("nodes"));
                assertEquals(6, done.getJsonObject("progress").getInteger("nodes_finished"));
                assertTrue(new JsonArray(get(c, "/api/experiments")).stream()
                        .anyMatch(o -> ((JsonObject) o).getString("id").equals(id)));
                assertEquals(409, call(c, "DELETE", "/api/experiments/" + id, null).statusCode());
                assertEquals(404, call(c, "DELETE", "/api/experiments/none", null).statusCode());
                assertEquals(0, (int) query(c, s -> s.nodes(id).size()), "a finished experiment's nodes are released");
            }
        }
    }

    private String state(ControllerRuntime c, String id) {
        try {
            return new JsonObject(get(c, "/api/experiments/" + id)).getString("state");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
