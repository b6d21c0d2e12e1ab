package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.ControllerApi;
import io.memfleet.it.testing.EmbeddedBrokerTest;
import io.memfleet.it.testing.FleetHarness;
import io.memfleet.it.testing.Launcher;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One controller per fleet, in separate processes: the second waits as a standby and says so; the
 * active one killed mid-experiment, the standby takes over and finishes the experiment with the same
 * summary as an undisturbed run; an active controller stopped (SIGSTOP) past the lease's session
 * loses it to the standby and, resumed, steps down and waits instead of acting beside it.
 */
@Timeout(900)
class ControllerStandbyIT extends EmbeddedBrokerTest {
    private static final String TOKEN = "standby-token-0123456789";
    private static final Pattern ACTIVE = Pattern.compile("memfleet controller: http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern STANDBY = Pattern.compile("memfleet controller: standby: .*http://127\\.0\\.0\\.1:(\\d+)/healthz");

    @TempDir
    Path work;

    private Launcher.Child controller(String name, String bootstrap) throws Exception {
        return Launcher.spawn(work.resolve(name + ".log"), List.of("-Xmx384m"), "controller", "--bootstrap", bootstrap,
                "--topic-prefix", "standby", "--partitions", "3", "--http-port", "0", "--token", TOKEN,
                "--generator-threads", "1");
    }

    private static JsonObject awaitDone(ControllerApi api, String id) {
        JsonObject e = api.awaitEnd(id, Duration.ofSeconds(300));
        assertEquals("done", e.getString("state"), e.encodePrettily());
        return e;
    }

    @Test
    void aStandbyTakesOverAndFinishesTheExperimentAsIfNothingHappened() throws Exception {
        String yaml = Files.readString(Launcher.example("quickstart.yaml")).replace("nodes: 24", "nodes: 6") + "\nspeed: 2\n";
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "standby", 3)) {
            f.startAgent("standby-agent");
            Launcher.Child a = controller("a", f.bootstrap());
            Launcher.Child b = null;
            Launcher.Child c = null;
            try {
                int portA = Integer.parseInt(a.awaitLine("controller a active", ACTIVE, Duration.ofSeconds(120)).group(1));
                b = controller("b", f.bootstrap());
                int standbyB = Integer.parseInt(b.awaitLine("controller b waiting", STANDBY, Duration.ofSeconds(120)).group(1));
                ControllerApi standby = new ControllerApi(standbyB, TOKEN);
                assertEquals(200, standby.get("/healthz").statusCode());
                HttpResponse<String> refused = standby.get("/api/experiments");
                assertEquals(503, refused.statusCode());
                assertTrue(refused.body().contains("this controller is a standby"), refused.body());

                ControllerApi apiA = new ControllerApi(portA, TOKEN);
                String id = apiA.submit(yaml);
                FleetHarness.await("the experiment under way", Duration.ofSeconds(120), () -> apiA.simulatedSeconds(id) >= 3);
                Launcher.kill9(a.process().pid());
                int portB = Integer.parseInt(b.awaitLine("controller b active after a's death", ACTIVE,
                        Duration.ofSeconds(120)).group(1));
                assertTrue(b.output().contains("took over the fleet's lease; active"), b.output());
                JsonObject taken = awaitDone(new ControllerApi(portB, TOKEN), id);

                // a third controller waits; b stopped past the lease's session loses it to c, and steps down when resumed
                c = controller("c", f.bootstrap());
                c.awaitLine("controller c waiting", STANDBY, Duration.ofSeconds(120));
                Launcher.signal(b.process().pid(), "STOP");
                int portC;
                try {
                    portC = Integer.parseInt(c.awaitLine("controller c active while b is stopped", ACTIVE,
                            Duration.ofSeconds(120)).group(1));
                } finally {
                    Launcher.signal(b.process().pid(), "CONT");
                }
                Launcher.Child resumed = b;
                FleetHarness.await("b says it lost the lease and waits", Duration.ofSeconds(120),
                        () -> resumed.output().contains("lost the fleet's lease"));
                resumed.awaitLine("b waiting again", STANDBY, Duration.ofSeconds(120));

                ControllerApi apiC = new ControllerApi(portC, TOKEN);
                JsonObject undisturbed = awaitDone(apiC, apiC.submit(yaml));
                assertEquals(undisturbed.getJsonObject("summary").encodePrettily(),
                        taken.getJsonObject("summary").encodePrettily(),
                        "the experiment the standby finished has the summary of an undisturbed run");
                assertEquals("done", apiC.experiment(id).getString("state"), "the first experiment stays done");
            } finally {
                for (Launcher.Child ch : new Launcher.Child[] {a, b, c}) {
                    if (ch != null) {
                        ch.kill();
                    }
                }
            }
        }
    }
}
