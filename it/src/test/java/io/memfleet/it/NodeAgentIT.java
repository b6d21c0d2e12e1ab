package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.agent.kafka.AgentLoop;
import io.memfleet.it.testing.EmbeddedBrokerTest;
import io.memfleet.it.testing.FleetHarness;
import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.script.ScriptParser;
import io.memfleet.protocol.TelemetryCodec;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.ConfigAck;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.DeadLetter;
import io.memfleet.proto.v1.NodeSelector;
import io.memfleet.proto.v1.NodeTelemetry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Node-agents against a real (embedded KRaft) broker: what needs real consumers, commits and rebalances. */
@Timeout(300)
class NodeAgentIT extends EmbeddedBrokerTest {
    /** Every line sent per node, in order, to compute the expected final state without Kafka. */
    private final Map<String, List<String>> sent = new LinkedHashMap<>();

    private void send(FleetHarness f, String node, String... lines) {
        sent.computeIfAbsent(node, n -> new ArrayList<>()).addAll(List.of(lines));
        f.send(node, lines);
    }

    /** What each node's image looks like after its lines, applied by one kernel without Kafka. */
    private Map<String, NodeTelemetry> expected() {
        Map<String, NodeTelemetry> out = new HashMap<>();
        sent.forEach((node, lines) -> {
            Kernel k = null;
            for (String l : lines) {
                Command c = ScriptParser.parse(l, 1, k == null);
                if (k == null) {
                    k = Kernel.boot(c instanceof Command.Node n ? n : Command.Node.DEFAULT, io.memfleet.kernel.api.KernelConfig.DEFAULT);
                    if (c instanceof Command.Node) {
                        continue;
                    }
                }
                k.apply(c);
            }
            out.put(node, comparable(TelemetryCodec.sample(node, new TelemetryCodec.Progress(0, 0, 0), k.image(), List.of())));
        });
        return out;
    }

    /** A sample without what depends on delivery: its seq, event counts, the kernel events it carries, its agent's heap. */
    private static NodeTelemetry comparable(NodeTelemetry t) {
        return t.toBuilder().clearSeq().clearEventsApplied().clearLastSeq().clearEvents().clearNodeHeapBudget().build();
    }

    /** Asks every node for a sample and waits until each one's equals what its events imply. */
    private void awaitFinalState(FleetHarness f) {
        for (String node : sent.keySet()) {
            f.send(node, f.sample(node));
        }
        f.flush();
        Map<String, NodeTelemetry> want = expected();
        f.readUntil(f.topics().telemetry(), recs -> {
            Map<String, NodeTelemetry> last = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : recs) {
                last.put(r.key(), parse(r));
            }
            return want.entrySet().stream().allMatch(e -> last.containsKey(e.getKey())
                    && comparable(last.get(e.getKey())).equals(e.getValue()));
        });
    }

    private static String[] workload(int round) {
        int pid = 100 + round;
        return new String[] {"spawn " + pid + " /a/b", "anon " + pid + " +" + (64 * (round + 1)) + "K",
            "dentry " + pid + " +25", "kmalloc " + pid + " 512 +9", "tick 700ms", "file " + pid + " +128K",
            "anon " + pid + " -32K", "exit " + (100 + round / 2)};
    }

    private static String[] setup(String node) {
        return new String[] {"node cpus=2 mem=256M seed=" + Math.abs(node.hashCode()), "mkdir /a",
            "echo 1 > /a/memory.use_hierarchy", "mkdir /a/b", "echo 16M > /a/memory.limit_in_bytes"};
    }

    @Test
    void eventsOfNodesInterleavedOnSharedPartitionsAreAppliedPerNodeInOrder() {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "order", 2)) {
            AgentLoop a = f.startAgent("order-a");
            List<String> nodes = List.of("n1", "n2", "n3", "n4", "n5");
            nodes.forEach(n -> send(f, n, setup(n)));
            for (int round = 0; round < 6; round++) {
                for (String n : nodes) {
                    send(f, n, workload(round));
                }
            }
            awaitFinalState(f);
            assertEquals(0, a.status().deadLettered());
            assertEquals(5, a.status().hostedNodes());
        }
    }

    @Test
    void aSampleOfANodeWithThousandsOfCgroupsIsLargerThanAMegabyteAndStillArrives() {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "wide", 2)) {
            AgentLoop a = f.startAgent("wide-a");
            send(f, "w1", "node cpus=1 mem=1G seed=3");
            for (int batch = 0; batch < 20; batch++) {
                String[] mkdirs = new String[1000];
                for (int i = 0; i < mkdirs.length; i++) {
                    mkdirs[i] = "mkdir /c" + (batch * 1000 + i);
                }
                send(f, "w1", mkdirs);
            }
            awaitFinalState(f);
            int biggest = f.readUntil(f.topics().telemetry(), recs -> !recs.isEmpty()).stream()
                    .mapToInt(r -> r.value().length).max().orElse(0);
            assertTrue(biggest > 1 << 20, "the sample is over Kafka's default 1 MiB record limit: " + biggest);
            assertEquals(0, a.status().sendFailures());
        }
    }

    @Test
    void aRolloutOnTheDesiredStateTopicIsAckedPerFileOnTheAckTopic() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "config", 3)) {
            f.startAgent("config-a");
            for (String n : List.of("c1", "c2", "c3")) {
                send(f, n, "node mem=512M", "mkdir /web", "spawn 1 /web", "anon 1 +1M");
            }
            f.flush();
            ConfigRollout ro = ConfigRollout.newBuilder().setRolloutId("limits").setGeneration(1)
                    .setSelector(NodeSelector.newBuilder().addNodeIds("c1").addNodeIds("c2"))
                    .addCgroups(CgroupConfig.newBuilder().setPath("/web").setLimitInBytes(64L << 20).setSwappiness(200))
                    .build();
            f.sendRaw(f.topics().configDesired(), ro.getRolloutId(), ro.toByteArray());
            f.flush();
            Map<String, ConfigAck> acks = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : f.readUntil(f.topics().configAcks(), rs -> rs.size() >= 2)) {
                acks.put(r.key(), ConfigAck.parseFrom(r.value()));
            }
            assertEquals(java.util.Set.of("c1", "c2"), acks.keySet(), "c3 is not selected");
            assertTrue(acks.get("c1").getFilesList().stream().anyMatch(a -> a.getPath().equals("/web/memory.swappiness")
                    && a.getErrno().equals("EINVAL")));
        }
    }

    @Test
    void aFinalStateTheBrokerWillNotStoreIsDeadLetteredWithTheReasonAtOnce() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "unmet", 2)) {
            // this agent's producers refuse records over 64 KiB; the final state of 300 cgroups with every file is larger
            io.memfleet.common.kafka.KafkaClients.configure(java.util.Map.of("max.request.size", "65536"));
            AgentLoop a;
            try {
                a = f.startAgent("unmet-a");
            } finally {
                io.memfleet.common.kafka.KafkaClients.configure(java.util.Map.of());
            }
            String[] lines = new String[301];
            lines[0] = "node mem=1G";
            for (int i = 1; i <= 300; i++) {
                lines[i] = "mkdir /g" + i;
            }
            send(f, "u1", lines);
            f.send("u1", f.finalSample("u1"));
            f.flush();
            List<ConsumerRecord<String, byte[]>> dl = f.readUntil(f.topics().deadLetter(), r -> r.size() >= 1);
            DeadLetter d = DeadLetter.parseFrom(dl.get(0).value());
            assertEquals("u1", dl.get(0).key());
            assertTrue(d.getReason().contains("its final state") && d.getReason().contains("could not be stored"),
                    d.getReason());
            assertTrue(a.status().sendFailures() >= 1);
        }
    }

    @Test
    void aMalformedRecordGoesToTheDeadLetterTopicWithItsOriginAndTheRestIsApplied() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "dlq", 2)) {
            AgentLoop a = f.startAgent("dlq-a");
            send(f, "d1", "node mem=128M", "mkdir /g", "spawn 7 /g");
            f.sendRaw(f.topics().workload(), "d1", new byte[] {(byte) 0xff, 0x01, 0x02});
            send(f, "d1", "anon 7 +256K", "tick 2s");
            awaitFinalState(f);
            List<ConsumerRecord<String, byte[]>> dl = f.readUntil(f.topics().deadLetter(), r -> r.size() >= 1);
            DeadLetter d = DeadLetter.parseFrom(dl.get(0).value());
            assertTrue(d.getReason().startsWith("not a WorkloadBatch"), d.getReason());
            assertEquals(f.topics().workload(), d.getSourceTopic());
            assertArrayEquals(new byte[] {(byte) 0xff, 0x01, 0x02}, d.getValue().toByteArray());
            assertEquals(1, a.status().deadLettered());
        }
    }

    @Test
    void anAgentRestartedMidStreamEndsInTheSameStateAsAnUninterruptedOne() throws Exception {
        restartMidStream(false);
    }

    @Test
    void anAgentThatCrashesMidStreamIsResumedWithoutLossOrDoubleApplication() throws Exception {
        restartMidStream(true);
    }

    private void restartMidStream(boolean crash) throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), crash ? "crash" : "restart", 3)) {
            AgentLoop first = f.startAgent("first");
            List<String> nodes = List.of("r1", "r2", "r3", "r4");
            nodes.forEach(n -> send(f, n, setup(n)));
            for (int round = 0; round < 4; round++) {
                for (String n : nodes) {
                    send(f, n, workload(round));
                }
            }
            f.flush();
            long half = sent.values().stream().mapToLong(List::size).sum();
            FleetHarness.await("the first half applied", () -> first.status().eventsApplied() >= half);
            f.stopAgent(first, crash);
            AgentLoop second = f.startAgent("second");
            for (int round = 4; round < 8; round++) {
                for (String n : nodes) {
                    send(f, n, workload(round));
                }
            }
            awaitFinalState(f);
            assertEquals(0, second.status().deadLettered());
            if (!crash) {
                assertEquals(0, second.status().duplicates(), "a graceful stop commits everything it applied");
            }
        }
    }

    @Test
    void twoAgentsSharingTheFleetLoseNothingAcrossRebalances() {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "rebalance", 6)) {
            AgentLoop a = f.startAgent("agent-a");
            List<String> nodes = List.of("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8");
            for (String n : nodes) {
                send(f, n, setup(n));
                send(f, n, workload(0));
            }
            f.flush();
            long phase1 = sent.values().stream().mapToLong(List::size).sum();
            FleetHarness.await("phase 1 applied", () -> a.status().eventsApplied() >= phase1);
            AgentLoop b = f.startAgent("agent-b");
            FleetHarness.await("agent b hosts nodes", () -> b.status().hostedNodes() > 0
                    && a.status().hostedNodes() < nodes.size());
            for (int round = 1; round < 4; round++) {
                for (String n : nodes) {
                    send(f, n, workload(round));
                }
            }
            f.flush();
            awaitFinalState(f);
            try {
                f.stopAgent(a, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            FleetHarness.await("agent b hosts the whole fleet", () -> b.status().hostedNodes() == nodes.size());
            for (String n : nodes) {
                send(f, n, workload(4));
            }
            awaitFinalState(f);
            assertTrue(b.status().rebalances() >= 2);
        }
    }

    private static NodeTelemetry parse(ConsumerRecord<String, byte[]> r) {
        try {
            return NodeTelemetry.parseFrom(r.value());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
