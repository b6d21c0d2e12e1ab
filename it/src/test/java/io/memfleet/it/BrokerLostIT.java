package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.FleetHarness;
import io.memfleet.it.testing.Launcher;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standing cluster's broker lost: a run following its experiment ends with that reason once the
 * cluster has not answered for its grace period (instead of repeating its progress line until the
 * run's timeout); and a broker killed midway through generation and started again on its data
 * changes no result (the generator makes the rounds it could not store again).
 */
@Timeout(600)
class BrokerLostIT {
    @TempDir
    Path work;
    private Path cluster;

    @AfterEach
    void down() {
        if (cluster != null) {
            Launcher.killAll(cluster);
        }
    }

    private static boolean experimentAt(HttpClient http, String port, double fraction) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/experiments")).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && new io.vertx.core.json.JsonArray(r.body()).stream().map(e -> (JsonObject) e)
                    .anyMatch(e -> "running".equals(e.getString("state"))
                            && e.getJsonObject("progress").getDouble("fraction") >= fraction);
        } catch (java.io.IOException e) {
            return false; // the controller not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void aBrokerKilledAndStartedAgainMidGenerationChangesNoResult() throws Exception {
        Path embedded = work.resolve("embedded");
        Launcher.ok("run", Launcher.example("quickstart.yaml").toString(), "--set", "duration=60s", "--out",
                embedded.toString(), "-q");
        cluster = work.resolve("cluster");
        Launcher.ok("cluster", "up", "--agents", "1", "--dir", cluster.toString(), "--partitions", "2");
        String bootstrap = Launcher.bootstrap(cluster);
        String port = Launcher.processes(cluster).get("controller").getInteger("port").toString();
        Path out = work.resolve("standing");
        // paced at real time: generation lasts about a minute, so the broker goes while rounds are published
        CompletableFuture<Launcher.Outcome> run = CompletableFuture.supplyAsync(() -> Launcher.memfleet("run",
                Launcher.example("quickstart.yaml").toString(), "--set", "duration=60s", "--speed", "1", "--out",
                out.toString(), "--bootstrap", bootstrap, "-q"));
        HttpClient http = HttpClient.newHttpClient();
        FleetHarness.await("the experiment a fifth through", Duration.ofSeconds(240), () -> {
            if (run.isDone()) {
                throw new AssertionError("the run ended first: " + run.join().err());
            }
            return experimentAt(http, port, 0.2);
        });
        Launcher.kill9(Launcher.processes(cluster).get("broker-1").getLong("pid"));
        Launcher.ok("cluster", "restart", "broker-1", "--dir", cluster.toString());
        Launcher.Outcome o = run.get(420, TimeUnit.SECONDS);
        assertTrue(o.status() == 0, "the run ended well:\n" + o.out() + o.err());
        Launcher.assertSameResults(embedded, out);
    }

    @Test
    void aRunWhoseBrokerIsLostFailsWithTheReasonWithinTwoMinutes() throws Exception {
        cluster = work.resolve("cluster");
        Launcher.ok("cluster", "up", "--agents", "1", "--dir", cluster.toString(), "--partitions", "2");
        String bootstrap = Launcher.bootstrap(cluster);
        String port = Launcher.processes(cluster).get("controller").getInteger("port").toString();
        // an hour of simulated time: far longer than this test
        CompletableFuture<Launcher.Outcome> run = CompletableFuture.supplyAsync(() -> Launcher.memfleet("run",
                Launcher.example("quickstart.yaml").toString(), "--set", "duration=3600s", "--out",
                work.resolve("out").toString(), "--bootstrap", bootstrap, "-q"));
        HttpClient http = HttpClient.newHttpClient();
        FleetHarness.await("the experiment runs on the standing fleet", Duration.ofSeconds(240), () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/experiments")).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && new io.vertx.core.json.JsonArray(r.body()).stream()
                        .anyMatch(e -> "running".equals(((JsonObject) e).getString("state")));
            } catch (java.io.IOException e) {
                return false; // the controller not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        JsonObject broker = Launcher.processes(cluster).values().stream()
                .filter(p -> p.getString("role").equals("broker")).findFirst().orElseThrow();
        long t0 = System.nanoTime();
        Launcher.kill9(broker.getLong("pid"));
        // 20 s without records, then 45 s of a cluster that does not answer, asked every 10 s (5 s each at most)
        Launcher.Outcome o = run.get(180, TimeUnit.SECONDS);
        long took = (System.nanoTime() - t0) / 1_000_000_000L;
        assertNotEquals(0, o.status(), o.err());
        assertTrue(o.err().contains("the Kafka cluster at " + bootstrap + " has not answered for")
                && o.err().contains("a broker stopped?"), "the run says why it stopped following:\n" + o.err());
        assertTrue(!o.err().contains("\tat "), "no stack trace:\n" + o.err());
        assertTrue(took < 180, "ended " + took + " s after the broker was lost");
    }
}
