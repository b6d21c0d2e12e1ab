package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.controller.ControllerConfig;
import io.memfleet.controller.ControllerRuntime;
import io.memfleet.it.testing.ControllerApi;
import io.memfleet.it.testing.EmbeddedBrokerTest;
import io.memfleet.it.testing.FleetHarness;
import io.memfleet.it.testing.Launcher;
import io.memfleet.it.testing.LoopRelay;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network partition of one agent process: the agent runs in a network namespace of its own,
 * reaching the broker through its own loopback (a relay over a Unix socket, so every byte stays on
 * a loopback). Its loopback taken down for 60 s mid-experiment cuts it off; its partitions move to
 * the other agent, it comes back fenced and rejoins, and the experiment ends with the summary of an
 * undisturbed run. Skipped, with a message, where network namespaces cannot be made.
 */
@Timeout(900)
class NetworkPartitionIT extends EmbeddedBrokerTest {
    private static final Duration PARTITION = Duration.ofSeconds(60);
    @TempDir
    Path work;

    /** Runs an ip(8) command; -1 when there is no ip command at all. */
    private static int ip(String... args) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(args).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return -1;
        }
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private static void mustIp(String... args) throws Exception {
        assertEquals(0, ip(args), String.join(" ", args));
    }

    /** The namespace's side of the relay, a JVM of the test's own classes started in the namespace. */
    private Launcher.Child relayIn(List<String> inNs, int port, Path socket) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(inNs);
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), LoopRelay.class.getName(), Integer.toString(port), socket.toString()));
        Path log = work.resolve("relay.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Launcher.Child child = new Launcher.Child(p, log);
        child.awaitLine("the relay in the namespace", Pattern.compile("relay: 127\\.0\\.0\\.1:"), Duration.ofSeconds(60));
        return child;
    }

    @Test
    void anAgentCutOffForAMinuteChangesNoResult() throws Exception {
        String ns = "memfleet-it-" + ProcessHandle.current().pid();
        Assumptions.assumeTrue(ip("ip", "netns", "add", ns) == 0,
                "network namespaces cannot be made here (ip netns add needs iproute2 and root or CAP_SYS_ADMIN); skipping the "
                        + "partition test");
        Launcher.Child relay = null;
        Launcher.Child agent = null;
        String bootstrap = broker.bootstrapServers();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        Path socket = work.resolve("broker.sock");
        try (FleetHarness f = new FleetHarness(bootstrap, "part", 4);
             LoopRelay outside = LoopRelay.toTcp(socket, port);
             ControllerRuntime c = f.withGenerator(new ControllerRuntime(ControllerConfig.of(f.bootstrap(), f.topics(), 0),
                     new PrintStream(System.err, true)))) {
            assertTrue(Files.exists(socket), "the broker's side of the relay: " + outside);
            mustIp("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            List<String> inNs = List.of("ip", "netns", "exec", ns);
            relay = relayIn(inNs, port, socket);
            agent = Launcher.spawnWrapped(inNs, work.resolve("agent.log"), List.of("-Xmx512m"), "agent", "--bootstrap",
                    "127.0.0.1:" + port, "--topic-prefix", "part", "--partitions", "4", "--client-id", "part-agent-cut");
            agent.awaitLine("the agent in the namespace running", Pattern.compile("memfleet agent: running"),
                    Duration.ofSeconds(120));
            io.memfleet.agent.kafka.AgentLoop outsideAgent = f.startAgent("part-agent-outside");
            ControllerApi api = new ControllerApi(c.httpPort(), c.token());
            String yaml = Files.readString(Launcher.example("quickstart.yaml")).replace("nodes: 24", "nodes: 8")
                    .replace("duration: 30s", "duration: 120s") + "\nspeed: 2\n";
            String id = api.submit(yaml);
            FleetHarness.await("a tenth of the experiment", Duration.ofSeconds(180), () -> api.simulatedSeconds(id) >= 12);
            long rebalances = outsideAgent.status().rebalances();
            mustIp("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "down");
            long cutAt = System.nanoTime();
            try {
                FleetHarness.await("the agent outside takes the cut agent's partitions", PARTITION,
                        () -> outsideAgent.status().rebalances() > rebalances);
                FleetHarness.await("the partition's minute", PARTITION.plusSeconds(30),
                        () -> System.nanoTime() - cutAt >= PARTITION.toNanos());
            } finally {
                mustIp("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            }
            JsonObject cut = api.awaitEnd(id, Duration.ofSeconds(400));
            assertEquals("done", cut.getString("state"));
            assertTrue(agent.process().isAlive(), "the agent cut off lives on:\n" + agent.output());

            String undisturbed = api.submit(yaml.replace("\nspeed: 2\n", "\n"));
            assertEquals(api.awaitEnd(undisturbed, Duration.ofSeconds(400)).getJsonObject("summary").encodePrettily(),
                    cut.getJsonObject("summary").encodePrettily(), "a minute's partition of one agent changes no result");
        } finally {
            for (Launcher.Child ch : new Launcher.Child[] {agent, relay}) {
                if (ch != null) {
                    ch.kill();
                }
            }
            ip("ip", "netns", "del", ns);
        }
    }
}
