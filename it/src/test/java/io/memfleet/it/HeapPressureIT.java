package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.controller.ControllerConfig;
import io.memfleet.controller.ControllerRuntime;
import io.memfleet.it.testing.ControllerApi;
import io.memfleet.it.testing.EmbeddedBrokerTest;
import io.memfleet.it.testing.FleetHarness;
import io.memfleet.it.testing.Launcher;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent JVM with a small heap (384 MiB) and workloads that would fill it: a node whose memory it
 * could never hold is refused at boot, nodes that together outgrow the heap are quarantined one by
 * one as their estimates outgrow its heap, each experiment fails with the reason, the controller
 * refuses at once an experiment no agent it has heard from could hold, and the agent process lives
 * on to run the next experiment to its end.
 */
@Timeout(600)
class HeapPressureIT extends EmbeddedBrokerTest {
    @TempDir
    Path work;

    /** A kmalloc service that never frees, its slab held by a kmem limit (ENOMEM past it, no OOM kill frees it). */
    private static String experiment(String name, int nodes, String mem, long allocs, String duration) {
        return String.join("\n", "name: " + name, "seed: 3", "nodes: " + nodes, "node: {cpus: 1, mem: " + mem + "}",
                "duration: " + duration, "step: 100ms", "telemetry_interval: 1s", "cgroups:", "  - path: /svc",
                "    kmem_independent: true", "    kmem_limit: 300M",
                "workloads:", "  - model: kmalloc-service", "    cgroup: /svc",
                "    params: {size: 32, allocs_per_step: " + allocs + ", frees_per_step: 0}", "");
    }

    @Test
    void nodesGoUnderHeapPressureNotTheAgent() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "heap", 1);
             ControllerRuntime c = f.withGenerator(new ControllerRuntime(ControllerConfig.of(f.bootstrap(), f.topics(), 0),
                     new PrintStream(System.err, true)))) {
            Launcher.Child agent = Launcher.spawn(work.resolve("agent.log"), List.of("-Xmx384m", "-Xms384m"), "agent",
                    "--bootstrap", f.bootstrap(), "--topic-prefix", "heap", "--partitions", "1", "--client-id", "small-agent");
            try {
                agent.awaitLine("the agent running", Pattern.compile("memfleet agent: running"), Duration.ofSeconds(120));
                ControllerApi api = new ControllerApi(c.httpPort(), c.token());

                String big = api.submit(experiment("too-big", 1, "1G", 10, "2s"));
                JsonObject refused = api.awaitEnd(big, Duration.ofSeconds(120));
                assertEquals("failed", refused.getString("state"));
                assertTrue(refused.getString("reason").matches("node too-big-\\S+/0000: refused: a node with 1024 MiB of "
                        + "simulated memory can take up to 224 MiB of an agent's heap, more than the 1\\d\\d MiB this agent "
                        + "gives one node \\(3/4 of its heap less 128 MiB\\); .*"), refused.getString("reason"));

                // four 400 MiB nodes filling 300 MiB of slab each: about 70 MiB of heap each, more than the agent has.
                // One partition keeps their records interleaved: on several, a quiet machine's agent may run one
                // partition's nodes to their end (releasing them) before the next's start, and never hold them all.
                String heavy = api.submit(experiment("heavy", 4, "400M", 20_000, "120s"));
                JsonObject shed = api.awaitEnd(heavy, Duration.ofSeconds(300));
                assertEquals("failed", shed.getString("state"), shed.encode() + "\n" + agent.output());
                assertTrue(shed.getString("reason").matches("node heavy-\\S+/\\d+: quarantined: the agent's ("
                        + "nodes hold about \\d+ MiB of its heap, more than the \\d+ MiB \\(3/4 of its heap less 128 MiB\\) they may take"
                        + "|heap was \\d+% full after a collection \\(\\d+ of \\d+ MiB\\))"
                        + "; this node held the most of it \\(about \\d+ MiB\\)"), shed.getString("reason"));
                assertTrue(agent.process().isAlive(), "the agent lives on:\n" + agent.output());

                // the agent has said what it holds: the controller now refuses such an experiment at once
                HttpResponse<String> again = api.post(experiment("too-big", 1, "1G", 10, "2s"));
                assertEquals(400, again.statusCode(), again.body());
                assertTrue(again.body().contains("no agent of this fleet could hold one of its nodes: 1024 MiB of simulated "
                        + "memory can take up to 224 MiB of an agent's heap"), again.body());

                String after = api.submit(experiment("after", 2, "400M", 10, "5s"));
                assertEquals("done", api.awaitEnd(after, Duration.ofSeconds(180)).getString("state"),
                        "the same agent runs the next experiment to its end:\n" + agent.output());
                assertTrue(agent.output().contains("quarantined: the agent's"), "its log says why:\n" + agent.output());
            } finally {
                agent.kill();
            }
        }
    }
}
