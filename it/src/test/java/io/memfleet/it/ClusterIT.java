package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standing local cluster of separate JVMs (one broker, a controller, two agents) started with
 * 'memfleet cluster up': experiments submitted to it give byte for byte the results of the same
 * experiment run embedded, also when two run at once, when an agent is killed with SIGKILL midway,
 * when the controller is killed and restarted midway, and when an agent is stopped (SIGSTOP) past
 * its session timeout, deposed, and resumed as a zombie.
 */
@Timeout(900)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    @TempDir
    static Path work;
    static Path cluster;
    static String bootstrap;
    static String controller;
    static Path quickstart;
    static Path nokmem;
    static Path minute;
    static Path rollout;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void up() throws Exception {
        quickstart = work.resolve("embedded-quickstart");
        nokmem = work.resolve("embedded-nokmem");
        Launcher.ok("run", Launcher.example("quickstart.yaml").toString(), "--out", quickstart.toString(), "-q");
        Launcher.ok("run", Launcher.example("quickstart.yaml").toString(), "--out", nokmem.toString(), "-q",
                "--kernel", "nokmem");
        minute = work.resolve("embedded-minute");
        Launcher.ok("run", Launcher.example("quickstart.yaml").toString(), "--out", minute.toString(), "-q",
                "--set", "duration=60s");
        rollout = work.resolve("embedded-rollout");
        Launcher.ok("run", Launcher.example("guarded-rollout.yaml").toString(), "--out", rollout.toString(), "-q");
        cluster = work.resolve("cluster");
        Launcher.ok("cluster", "up", "--agents", "2", "--dir", cluster.toString(), "--partitions", "6");
        bootstrap = Launcher.bootstrap(cluster);
        controller = Launcher.processes(cluster).get("controller").getInteger("port").toString();
    }

    @AfterAll
    static void down() {
        if (cluster != null) {
            Launcher.killAll(cluster);
        }
    }

    private static JsonArray experiments() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller
                + "/api/experiments")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new JsonArray(r.body());
    }

    private static CompletableFuture<Launcher.Outcome> runAsync(Path out, String... extra) {
        String[] args = new String[6 + extra.length];
        args[0] = "run";
        args[1] = Launcher.example("quickstart.yaml").toString();
        args[2] = "--out";
        args[3] = out.toString();
        args[4] = "--bootstrap";
        args[5] = bootstrap;
        System.arraycopy(extra, 0, args, 6, extra.length);
        return CompletableFuture.supplyAsync(() -> Launcher.memfleet(args));
    }

    /** Waits until a running experiment on the standing controller has passed {@code fraction} of its time. */
    private static String awaitProgress(double fraction, CompletableFuture<Launcher.Outcome> run) {
        String[] id = {null};
        try {
            awaitProgress(fraction, run, id);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + logTails(), e);
        }
        return id[0];
    }

    private static void awaitProgress(double fraction, CompletableFuture<Launcher.Outcome> run, String[] id) {
        FleetHarness.await("an experiment " + (int) (fraction * 100) + "% through", Duration.ofSeconds(180), () -> {
            if (run.isDone()) {
                Launcher.Outcome o = run.join();
                throw new AssertionError("the run ended before " + fraction + " of it: " + o.out() + o.err()
                        + "\n" + logTails());
            }
            try {
                for (Object o : experiments()) {
                    JsonObject e = (JsonObject) o;
                    if (!e.getString("state").matches("done|failed|cancelled")
                            && e.getJsonObject("progress").getDouble("fraction") >= fraction) {
                        id[0] = e.getString("id");
                        return true;
                    }
                }
                return false;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static void assertDone(Launcher.Outcome o) {
        assertEquals(0, o.status(), o.out() + o.err() + "\n" + logTails());
    }

    /** The last lines of every process's log, for a failure's message. */
    private static String logTails() {
        StringBuilder sb = new StringBuilder();
        try {
            for (JsonObject p : Launcher.processes(cluster).values()) {
                java.util.List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(p.getString("log")));
                sb.append("--- ").append(p.getString("name")).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> sb.append(l).append('\n'));
            }
        } catch (Exception e) {
            sb.append("(logs unreadable: ").append(e).append(")");
        }
        return sb.toString();
    }

    @Test
    @Order(1)
    void anExperimentSubmittedToTheStandingFleetShowsOnItsControllerAndEqualsAnEmbeddedRun() throws Exception {
        Path out = work.resolve("standing");
        Launcher.Outcome o = runAsync(out, "-q").get();
        assertDone(o);
        Launcher.assertSameResults(quickstart, out);
        JsonObject run = new JsonObject(java.nio.file.Files.readString(out.resolve("run.json")));
        String id = run.getString("experiment_id");
        assertTrue(experiments().stream().anyMatch(e -> ((JsonObject) e).getString("id").equals(id)
                && ((JsonObject) e).getString("state").equals("done")), experiments().encode());
        assertEquals(false, run.getJsonObject("kafka").getBoolean("embedded"));
    }

    @Test
    @Order(2)
    void twoExperimentsAtOnceOnOneFleetEachEqualTheirRunAlone() throws Exception {
        Path a = work.resolve("together-default");
        Path b = work.resolve("together-nokmem");
        CompletableFuture<Launcher.Outcome> fa = runAsync(a, "-q");
        CompletableFuture<Launcher.Outcome> fb = runAsync(b, "-q", "--kernel", "nokmem");
        assertDone(fa.get());
        assertDone(fb.get());
        Launcher.assertSameResults(quickstart, a);
        Launcher.assertSameResults(nokmem, b);
    }

    @Test
    @Order(4)
    void anAgentKilledMidExperimentChangesNothingInTheResults() throws Exception {
        Path out = work.resolve("agent-killed");
        CompletableFuture<Launcher.Outcome> run = runAsync(out, "-q", "--speed", "3");
        awaitProgress(0.3, run);
        Map<String, JsonObject> ps = Launcher.processes(cluster);
        Launcher.kill9(ps.get("agent-1").getLong("pid"));
        assertDone(run.get());
        Launcher.assertSameResults(quickstart, out);
        Launcher.ok("cluster", "restart", "agent-1", "--dir", cluster.toString());
    }

    @Test
    @Order(5)
    void theControllerKilledAndRestartedMidExperimentStillCompletesIt() throws Exception {
        Path out = work.resolve("controller-killed");
        CompletableFuture<Launcher.Outcome> run = runAsync(out, "-q", "--speed", "3");
        awaitProgress(0.3, run);
        Launcher.kill9(Launcher.processes(cluster).get("controller").getLong("pid"));
        Launcher.ok("cluster", "restart", "controller", "--dir", cluster.toString());
        assertDone(run.get());
        Launcher.assertSameResults(quickstart, out);
        Launcher.Outcome status = Launcher.ok("cluster", "status", "--dir", cluster.toString(), "--json");
        JsonObject s = new JsonObject(status.out());
        assertTrue(s.getJsonArray("processes").stream().allMatch(p -> ((JsonObject) p).getString("state")
                .equals("running")), s.encodePrettily());
    }

    private static double counter(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** The committed offsets of the agents' group, by workload partition. */
    private static Map<Integer, Long> committed(Admin admin) {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        try {
            admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .forEach((tp, o) -> {
                        if (o != null && tp.topic().endsWith(".workload.v1")) {
                            out.put(tp.partition(), o.offset());
                        }
                    });
        } catch (Exception e) {
            throw new IllegalStateException("listing the agents' offsets: " + e, e);
        }
        return out;
    }

    private static int members(Admin admin) {
        try {
            return admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP)
                    .get(30, TimeUnit.SECONDS).members().size();
        } catch (Exception e) {
            throw new IllegalStateException("describing the agents' group: " + e, e);
        }
    }

    private static final String GROUP = io.memfleet.common.Topics.DEFAULT_PREFIX + "-agents";

    @Test
    @Order(3)
    void anAgentStoppedPastItsSessionAndResumedAsAZombieCannotOverwriteItsSuccessorsState() throws Exception {
        Path out = work.resolve("agent-stopped");
        CompletableFuture<Launcher.Outcome> run = runAsync(out, "-q", "--speed", "1", "--set", "duration=60s");
        awaitProgress(0.1, run);
        long pid = Launcher.processes(cluster).get("agent-1").getLong("pid");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            FleetHarness.await("two agents in the group", Duration.ofSeconds(60), () -> members(admin) == 2);
            Launcher.signal(pid, "STOP");
            try {
                FleetHarness.await("the stopped agent deposed", Duration.ofSeconds(60), () -> members(admin) == 1);
                Map<Integer, Long> before = committed(admin);
                // the successor has stored state and committed past the zombie's last commit on every partition
                // (a successor may first wait for the stopped agent's open transaction to time out: 15 s, and the
                // broker's check for it, 10 s; the generator keeps publishing, paced at real time, meanwhile)
                FleetHarness.await("every partition committed again", Duration.ofSeconds(240), () -> {
                    Map<Integer, Long> now = committed(admin);
                    return now.size() == before.size() && before.entrySet().stream()
                            .allMatch(e -> now.get(e.getKey()) > e.getValue());
                });
            } finally {
                Launcher.signal(pid, "CONT");
            }
            FleetHarness.await("the resumed agent back in the group", Duration.ofSeconds(120), () -> members(admin) == 2);
        }
        assertDone(run.get());
        Launcher.assertSameResults(minute, out);
        // the zombie learnt it was deposed, in one of the two ways the group tells it (which one comes first depends
        // on whether its loop or its heartbeat runs first after SIGCONT): its commit refused, or its partitions lost
        int port = Launcher.processes(cluster).get("agent-1").getInteger("port");
        HttpResponse<String> m = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(counter(m.body(), "memfleet_agent_commits_refused_total")
                + counter(m.body(), "memfleet_agent_partitions_lost_total") >= 1, m.body());
    }

    @Test
    @Order(6)
    void aGuardedRolloutOnTheStandingFleetDecidesAsEmbeddedAndItsHaltedWaveReverts() throws Exception {
        Path out = work.resolve("standing-rollout");
        String[] args = {"run", Launcher.example("guarded-rollout.yaml").toString(), "--out", out.toString(), "--bootstrap",
            bootstrap, "-q"};
        assertDone(CompletableFuture.supplyAsync(() -> Launcher.memfleet(args)).get());
        Launcher.assertSameResults(rollout, out);
        assertEquals(java.nio.file.Files.readString(rollout.resolve("series.csv")),
                java.nio.file.Files.readString(out.resolve("series.csv")), "the series, split by the rollout, too");
        JsonObject r = new JsonObject(java.nio.file.Files.readString(out.resolve("summary.json")))
                .getJsonArray("rollouts").getJsonObject(0);
        assertEquals("halted at wave 1, rolled back", r.getString("outcome"));
        JsonArray waves = r.getJsonArray("waves");
        assertEquals("halted", waves.getJsonObject(0).getString("verdict"));
        for (int w = 0; w < waves.size(); w++) {
            JsonObject wave = waves.getJsonObject(w);
            if (w > 0) {
                assertEquals("not applied", wave.getString("verdict"));
                assertTrue(wave.getJsonObject("apply_errnos").isEmpty(), "a later wave's nodes never written");
            }
            for (Object i : wave.getJsonArray("node_indices")) {
                String node = String.format(java.util.Locale.ROOT, "guarded-rollout-%04d.txt", (Integer) i);
                assertTrue(java.nio.file.Files.readString(out.resolve("nodes").resolve(node))
                        .contains("==> /web/memory.limit_in_bytes <==\n134217728\n"), node + " ends with its 128M");
            }
        }
    }
}
