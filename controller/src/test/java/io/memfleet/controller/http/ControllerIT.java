package io.memfleet.controller.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.agent.testing.EmbeddedBrokerTest;
import io.memfleet.agent.testing.FleetHarness;
import io.memfleet.controller.ControllerRuntime;
import io.memfleet.controller.ExperimentRun;
import io.memfleet.controller.experiment.Experiment;
import io.memfleet.controller.experiment.ExperimentParser;
import io.memfleet.controller.model.PrometheusTextTest;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.NodeSelector;
import io.memfleet.proto.v1.NodeTelemetry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The controller against a real (embedded KRaft) broker with real node-agents. */
@Timeout(300)
class ControllerIT extends EmbeddedBrokerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private String get(ControllerRuntime c, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    @Test
    void aRolloutWithOneRejectedValueReportsThatNodesErrnoWhileTheOthersApply() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "ctl-rollout", 3)) {
            f.startAgent("ctl-rollout-agent");
            for (String n : List.of("k1", "k2", "k3")) {
                f.send(n, f.events(n, "node mem=256M", "mkdir /web", "spawn 1 /web",
                        n.equals("k2") ? "mlock 1 +8M" : "anon 1 +1M", "tick 1s"));
            }
            f.flush();
            try (ControllerRuntime c = new ControllerRuntime(broker.bootstrapServers(), f.topics(), 0, 1000, 64)) {
                FleetHarness.await("the controller sees 3 nodes", () -> query(c, s -> s.nodes().size()) == 3);
                c.applyRollout(ConfigRollout.newBuilder().setRolloutId("shrink").setGeneration(1)
                        .setSelector(NodeSelector.newBuilder().setAll(true))
                        .addCgroups(CgroupConfig.newBuilder().setPath("/web").setLimitInBytes(4L << 20)).build());
                FleetHarness.await("every node answered", () -> query(c, s -> s.rollouts().get("shrink").count(
                        io.memfleet.controller.model.RolloutStatus.State.PENDING)) == 0);
                JsonObject status = new JsonObject(get(c, "/api/config/shrink"));
                assertEquals(2, status.getInteger("acked"), status.encode());
                assertEquals(1, status.getInteger("failed"), status.encode());
                JsonObject k2 = status.getJsonObject("nodes").getJsonObject("k2");
                assertEquals("failed", k2.getString("state"));
                assertEquals("EBUSY", k2.getJsonObject("errno").getString("/web/memory.limit_in_bytes"));
                assertEquals("acked", status.getJsonObject("nodes").getJsonObject("k1").getString("state"));
            }
        }
    }

    private static <T> T query(ControllerRuntime c, java.util.function.Function<io.memfleet.controller.model.FleetState, T> q) {
        try {
            return c.query(q);
        } catch (Exception e) {
            throw new AssertionError(e);
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
                f.send(n, f.events(n, "node mem=512M seed=" + (i + 1), "mkdir /web", "mkdir /db",
                        "echo " + (8 + i) + "M > /db/memory.limit_in_bytes", "spawn 1 /web", "spawn 2 /db",
                        "anon 1 +" + (100 * (i + 1)) + "K", "dentry 1 +1", "tick 10ms", "dentry 1 +" + (30 * i),
                        "anon 2 +" + (4 * i) + "M", "tick 1s"));
                f.send(n, List.of(f.sample(n)));
            }
            f.flush();
            // the independent computation: latest sample per node straight from the topic
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
            try (ControllerRuntime c = new ControllerRuntime(broker.bootstrapServers(), f.topics(), 0, 1000, 64)) {
                FleetHarness.await("the controller consumed the telemetry",
                        () -> query(c, s -> s.telemetryRecords()) >= recs.size());
                JsonArray cgroups = new JsonArray(get(c, "/api/cgroups"));
                for (String path : List.of("/web", "/db")) {
                    long[] usage = latest.values().stream().flatMap(t -> t.getCgroupsList().stream())
                            .filter(g -> g.getPath().equals(path)).mapToLong(CgroupSample::getUsageInBytes).sorted().toArray();
                    long[] kmem = latest.values().stream().flatMap(t -> t.getCgroupsList().stream())
                            .filter(g -> g.getPath().equals(path)).mapToLong(CgroupSample::getKmemUsageInBytes).sorted().toArray();
                    JsonObject agg = cgroups.stream().map(o -> (JsonObject) o)
                            .filter(o -> o.getString("cgroup").equals(path)).findFirst().orElseThrow();
                    assertEquals(usage.length, agg.getInteger("nodes"));
                    assertStats(usage, agg.getJsonObject("usage_in_bytes"));
                    assertStats(kmem, agg.getJsonObject("kmem_usage_in_bytes"));
                }
                long kills = latest.values().stream().flatMap(t -> t.getEventsList().stream()).filter(e -> e.hasOomKill()).count();
                long aggKills = cgroups.stream().mapToLong(o -> ((JsonObject) o).getLong("oom_kills")).sum();
                assertTrue(aggKills >= kills, "kills in the latest samples are counted");
                String metrics = get(c, "/metrics");
                PrometheusTextTest.assertExpositionFormat(metrics);
                assertTrue(metrics.contains("memfleet_fleet_nodes 7"), metrics);
            }
        }
    }

    private static void assertStats(long[] sorted, JsonObject s) {
        long sum = Arrays.stream(sorted).sum();
        long p50 = sorted[(int) Math.ceil(0.50 * sorted.length) - 1];
        long p99 = sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
        assertEquals(sorted[0], s.getLong("min"), s.encode());
        assertEquals(p50, s.getLong("p50"), s.encode());
        assertEquals(p99, s.getLong("p99"), s.encode());
        assertEquals(sorted[sorted.length - 1], s.getLong("max"), s.encode());
        assertEquals(sum, s.getLong("sum"), s.encode());
    }

    @Test
    void twoRunsOfTheQuickstartGiveIdenticalOutputDirectories(@TempDir Path out) throws Exception {
        Experiment e = ExperimentParser.parse(Files.readString(Path.of("../examples/quickstart.yaml")), "quickstart.yaml");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        for (String run : List.of("a", "b")) {
            ExperimentRun.run(e, new ExperimentRun.Options(out.resolve(run), broker.bootstrapServers(), 1, 0, quiet)).close();
        }
        Map<Path, byte[]> a = files(out.resolve("a"));
        Map<Path, byte[]> b = files(out.resolve("b"));
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.size() > e.nodes() * 20, "every node's files are written");
        for (Path p : a.keySet()) {
            assertTrue(Arrays.equals(a.get(p), b.get(p)), "differs: " + p);
        }
        JsonObject summary = new JsonObject(Files.readString(out.resolve("a/summary.json")));
        assertEquals(e.nodes(), summary.getInteger("nodes"));
        assertTrue(summary.getJsonArray("cgroups").stream().anyMatch(o -> ((JsonObject) o).getLong("oom_kills") > 0));
        assertTrue(summary.getJsonArray("cgroups").stream().anyMatch(o -> ((JsonObject) o).getLong("dead_caches") > 0));
    }

    private static Map<Path, byte[]> files(Path dir) throws Exception {
        Map<Path, byte[]> out = new HashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!p.getFileName().toString().equals("summary.json")) {
                    out.put(dir.relativize(p), Files.readAllBytes(p));
                }
            }
        }
        return out;
    }
}
