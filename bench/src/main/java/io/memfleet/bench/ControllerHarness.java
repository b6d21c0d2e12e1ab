package io.memfleet.bench;

import io.memfleet.agent.AgentConfig;
import io.memfleet.agent.kafka.AgentLoop;
import io.memfleet.broker.EmbeddedKafka;
import io.memfleet.common.Topics;
import io.memfleet.common.kafka.FleetTopics;
import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.controller.ControllerConfig;
import io.memfleet.controller.ControllerRuntime;
import io.memfleet.protocol.WorkloadWriter;
import io.memfleet.controller.model.RolloutStatus;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.NodeSelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Controller figures for N nodes on this machine (embedded broker, one agent loop, the controller,
 * all in one process): how long a configuration change takes to be acked by every node, whether
 * the controller keeps up with one telemetry sample per node per simulated second while the
 * fleet runs faster than real time, and how long /metrics takes.
 * Usage: ControllerHarness [nodes] [simulatedSeconds].
 */
public final class ControllerHarness {
    private ControllerHarness() {
    }

    static void await(String what, Duration limit, BooleanSupplier cond) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out: " + what);
            }
            LockSupport.parkNanos(2_000_000L);
        }
    }

    static <T> T q(ControllerRuntime c, java.util.function.Function<io.memfleet.controller.model.FleetState, T> f) {
        try {
            return c.query(f);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        java.nio.file.Path dir = Files.createTempDirectory("memfleet-bench-ctl");
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir)) {
            Topics topics = new Topics("ctlbench", 12);
            FleetTopics.ensure(broker.bootstrapServers(), topics, Duration.ofSeconds(60));
            AgentLoop agent = new AgentLoop(new AgentConfig(broker.bootstrapServers(), topics, topics.agentGroup(),
                    1_000_000_000L, 5000, KernelConfig.DEFAULT, "ctlbench-agent"), System.err);
            Thread loop = new Thread(agent, "ctlbench-agent");
            loop.start();
            try (ControllerRuntime c = new ControllerRuntime(ControllerConfig.of(broker.bootstrapServers(), topics, 0)
                    , System.err);
                 KafkaProducer<String, byte[]> p = KafkaClients.producer(broker.bootstrapServers(), "ctlbench-gen")) {
                long[] seq = new long[nodes];
                for (int n = 0; n < nodes; n++) {
                    send(p, topics, n, seq, "node cpus=1 mem=512M seed=" + (n + 1), "mkdir /app", "spawn 1 /app",
                            "anon 1 +1M", "dentry 1 +1", "tick 1s");
                }
                p.flush();
                await("every node reported", Duration.ofMinutes(5), () -> q(c, f -> f.nodes().size()) == nodes);

                long t0 = System.nanoTime();
                c.applyRollout(ConfigRollout.newBuilder().setRolloutId("limit").setGeneration(1)
                        .setSelector(NodeSelector.newBuilder().setAll(true))
                        .addCgroups(CgroupConfig.newBuilder().setPath("/app").setLimitInBytes(256L << 20)
                                .setKmemIndependent(true).setKmemLimitInBytes(8L << 20)).build());
                await("acked by every node", Duration.ofMinutes(5), () -> q(c, f -> f.rollouts().get("limit")
                        .count(RolloutStatus.State.ACKED)) == nodes);
                System.out.printf("config change acked by all %d nodes in %.0f ms (wall)%n", nodes,
                        (System.nanoTime() - t0) / 1e6);

                long before = q(c, f -> f.telemetryRecords());
                long pubBefore = agent.status().telemetry();
                t0 = System.nanoTime();
                for (int s = 0; s < seconds * 10; s += 10) {
                    for (int n = 0; n < nodes; n++) {
                        List<String> lines = new ArrayList<>();
                        for (int k = 0; k < 10; k++) {
                            lines.add("anon 1 +" + (4 * (1 + (s + k + n) % 8)) + "K");
                            lines.add("dentry 1 +2");
                            lines.add("dentry 1 -1");
                            lines.add("tick 100ms");
                        }
                        send(p, topics, n, seq, lines.toArray(String[]::new));
                    }
                }
                p.flush();
                long expected = (long) nodes * seconds;
                await("agent published the samples", Duration.ofMinutes(10),
                        () -> agent.status().telemetry() - pubBefore >= expected);
                double agentDone = (System.nanoTime() - t0) / 1e9;
                await("controller consumed the samples", Duration.ofMinutes(10),
                        () -> q(c, f -> f.telemetryRecords()) - before >= expected);
                double controllerDone = (System.nanoTime() - t0) / 1e9;
                System.out.printf("telemetry: %d nodes x %d simulated s = %d samples; fleet ran %.1f simulated s per "
                        + "wall s; agent done at %.2f s, controller caught up at %.2f s (lag %.0f ms), %.0f samples/s%n",
                        nodes, seconds, expected, seconds / agentDone, agentDone, controllerDone,
                        (controllerDone - agentDone) * 1000, expected / controllerDone);

                HttpClient http = HttpClient.newHttpClient();
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + "/metrics")).build();
                double[] ms = new double[20];
                int size = 0;
                for (int i = 0; i < ms.length; i++) {
                    long s0 = System.nanoTime();
                    size = http.send(req, HttpResponse.BodyHandlers.ofString()).body().length();
                    ms[i] = (System.nanoTime() - s0) / 1e6;
                }
                Arrays.sort(ms);
                System.out.printf("/metrics for %d nodes: %d bytes, median %.1f ms, max %.1f ms over %d requests%n",
                        nodes, size, ms[ms.length / 2], ms[ms.length - 1], ms.length);
            } finally {
                agent.close();
                loop.join();
            }
        } finally {
            org.apache.kafka.common.utils.Utils.delete(dir.toFile());
        }
    }

    private static void send(KafkaProducer<String, byte[]> p, Topics topics, int n, long[] seq, String... lines) {
        String id = String.format("node-%04d", n);
        p.send(new ProducerRecord<>(topics.workload(), id, WorkloadWriter.script(id, seq[n] + 1, lines)));
        seq[n] += lines.length;
    }
}
