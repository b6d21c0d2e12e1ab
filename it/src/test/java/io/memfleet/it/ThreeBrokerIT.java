package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.it.testing.FleetHarness;
import io.memfleet.it.testing.Launcher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real three-node KRaft cluster from 'memfleet cluster up --brokers 3': the fleet's topics get
 * replication factor 3 and min.insync.replicas 2, and a broker killed with SIGKILL in the middle
 * of an experiment loses nothing: the results equal an embedded run's byte for byte.
 */
@Timeout(900)
class ThreeBrokerIT {
    @TempDir
    static Path work;
    static Path cluster;

    @BeforeAll
    static void up() {
        cluster = work.resolve("cluster");
        Launcher.ok("cluster", "up", "--brokers", "3", "--agents", "1", "--dir", cluster.toString(), "--partitions", "4");
    }

    @AfterAll
    static void down() {
        if (cluster != null) {
            Launcher.killAll(cluster);
        }
    }

    @Test
    void topicsAreReplicatedThreeWaysAndABrokerKilledMidExperimentLosesNothing() throws Exception {
        String bootstrap = Launcher.bootstrap(cluster);
        try (Admin admin = KafkaClients.admin(bootstrap, "three-broker-it")) {
            TopicDescription d = admin.describeTopics(List.of("memfleet.workload.v1")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("memfleet.workload.v1");
            assertTrue(d.partitions().stream().allMatch(p -> p.replicas().size() == 3), d.toString());
            String minIsr = admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "memfleet.workload.v1"))).all()
                    .get(30, TimeUnit.SECONDS).values().iterator().next().get("min.insync.replicas").value();
            assertEquals("2", minIsr);
        }
        Path expected = work.resolve("embedded");
        Launcher.ok("run", Launcher.example("quickstart.yaml").toString(), "--out", expected.toString(), "-q");
        Path out = work.resolve("broker-killed");
        CompletableFuture<Launcher.Outcome> run = CompletableFuture.supplyAsync(() -> Launcher.memfleet("run",
                Launcher.example("quickstart.yaml").toString(), "--out", out.toString(), "--bootstrap", bootstrap,
                "--speed", "3", "-q"));
        Map<String, JsonObject> ps = Launcher.processes(cluster);
        String controller = "http://127.0.0.1:" + ps.get("controller").getInteger("port") + "/api/experiments";
        HttpClient http = HttpClient.newHttpClient();
        FleetHarness.await("the experiment 30% through", Duration.ofSeconds(120), () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(controller)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return new JsonArray(r.body()).stream().anyMatch(o -> ((JsonObject) o).getJsonObject("progress")
                        .getDouble("fraction") >= 0.3);
            } catch (Exception e) {
                return false;
            }
        });
        Launcher.kill9(ps.get("broker-2").getLong("pid"));
        Launcher.Outcome o = run.get();
        assertEquals(0, o.status(), o.out() + o.err());
        Launcher.assertSameResults(expected, out);
    }
}
