package io.memfleet.agent.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.agent.model.BadEventException;
import io.memfleet.agent.model.Protos;
import io.memfleet.agent.model.SimNode;
import io.memfleet.agent.testing.EmbeddedBrokerTest;
import io.memfleet.agent.testing.FleetHarness;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.ConfigAck;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.DeadLetter;
import io.memfleet.proto.v1.FileAck;
import io.memfleet.proto.v1.NodeSelector;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.WorkloadEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The node-agent against a real (embedded KRaft) Kafka broker. */
@Timeout(300)
class NodeAgentIT extends EmbeddedBrokerTest {
    /** Every event sent per node, in order, to compute the expected final state without Kafka. */
    private final Map<String, List<WorkloadEvent>> sent = new LinkedHashMap<>();

    private void send(FleetHarness f, String node, List<WorkloadEvent> events) {
        sent.computeIfAbsent(node, n -> new ArrayList<>()).addAll(events);
        f.send(node, events);
    }

    private void send(FleetHarness f, String node, String... lines) {
        send(f, node, f.events(node, lines));
    }

    /** The final sample each node would publish if its events were applied in order by one process. */
    private Map<String, byte[]> expectedFinalSamples() throws BadEventException {
        Map<String, byte[]> out = new HashMap<>();
        for (Map.Entry<String, List<WorkloadEvent>> e : sent.entrySet()) {
            SimNode n = new SimNode(e.getKey(), KernelConfig.DEFAULT, 1_000_000_000L);
            List<NodeTelemetry> t = new ArrayList<>();
            for (WorkloadEvent ev : e.getValue()) {
                n.apply(ev, t::add);
            }
            out.put(e.getKey(), Protos.deterministicBytes(t.get(t.size() - 1)));
        }
        return out;
    }

    /** Waits until the telemetry topic holds, for every node, a sample byte-identical to the expected one. */
    private void awaitFinalState(FleetHarness f) throws BadEventException {
        for (String node : sent.keySet()) {
            send(f, node, List.of(f.sample(node)));
        }
        f.flush();
        Map<String, byte[]> expected = expectedFinalSamples();
        f.readUntil(f.topics().telemetry(), recs -> expected.entrySet().stream().allMatch(e -> recs.stream()
                .anyMatch(r -> r.key().equals(e.getKey()) && Arrays.equals(r.value(), e.getValue()))));
    }

    private static String[] workload(int round) {
        return new String[] {
            "spawn " + (100 + round) + " /a/b", "anon " + (100 + round) + " +" + (64 * (round + 1)) + "K",
            "dentry " + (100 + round) + " +25", "kmalloc " + (100 + round) + " 512 +9", "tick 700ms",
            "file " + (100 + round) + " +128K", "anon " + (100 + round) + " -32K", "exit " + (100 + round % 2)};
    }

    private static String[] setup(String node) {
        return new String[] {"node cpus=2 mem=256M seed=" + Math.abs(node.hashCode()), "mkdir /a",
            "echo 1 > /a/memory.use_hierarchy", "mkdir /a/b", "echo 16M > /a/memory.limit_in_bytes"};
    }

    @Test
    void eventsOfNodesInterleavedOnSharedPartitionsAreAppliedPerNodeInOrder() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "order", 2)) {
            NodeAgent a = f.startAgent("order-a");
            List<String> nodes = List.of("n1", "n2", "n3", "n4", "n5");
            for (String n : nodes) {
                send(f, n, setup(n));
            }
            for (int round = 0; round < 6; round++) {
                for (String n : nodes) {
                    send(f, n, workload(round));
                }
            }
            awaitFinalState(f);
            assertEquals(0, a.deadLettered.get());
            assertEquals(5, a.hostedNodes.get());
        }
    }

    @Test
    void configRolloutAcksEachFileWithItsErrnoAndAppliesTheRest() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "config", 3)) {
            f.startAgent("config-a");
            for (String n : List.of("c1", "c2", "c3")) {
                send(f, n, "node mem=512M", "mkdir /web", "spawn 1 /web", "anon 1 +1M");
            }
            f.flush();
            ConfigRollout ro = ConfigRollout.newBuilder().setRolloutId("limits").setGeneration(1)
                    .setSelector(NodeSelector.newBuilder().addNodeIds("c1").addNodeIds("c2"))
                    .addCgroups(CgroupConfig.newBuilder().setPath("/web").setLimitInBytes(64L << 20).setSwappiness(200))
                    .addCgroups(CgroupConfig.newBuilder().setPath("/db").setLimitInBytes(32L << 20)
                            .setMemswLimitInBytes(64L << 20).setKmemIndependent(true).setKmemLimitInBytes(8L << 20))
                    .build();
            f.sendRaw(f.topics().configDesired(), ro.getRolloutId(), ro.toByteArray());
            f.flush();
            List<ConsumerRecord<String, byte[]>> recs = f.readUntil(f.topics().configAcks(), r -> r.size() >= 2);
            Map<String, ConfigAck> acks = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : recs) {
                acks.put(r.key(), ConfigAck.parseFrom(r.value()));
            }
            assertEquals(java.util.Set.of("c1", "c2"), acks.keySet(), "c3 is not selected");
            Map<String, String> errnos = acks.get("c1").getFilesList().stream()
                    .collect(Collectors.toMap(FileAck::getPath, FileAck::getErrno, (x, y) -> y, LinkedHashMap::new));
            assertEquals("EINVAL", errnos.get("/web/memory.swappiness"));
            assertEquals("OK", errnos.get("/web/memory.limit_in_bytes"));
            assertEquals(List.of("/db", "/db/memory.kmem.independent_kmem_limit", "/db/memory.kmem.limit_in_bytes",
                    "/db/memory.limit_in_bytes", "/db/memory.memsw.limit_in_bytes"),
                    errnos.keySet().stream().filter(p -> p.startsWith("/db")).toList());
            assertTrue(errnos.entrySet().stream().filter(e -> e.getKey().startsWith("/db"))
                    .allMatch(e -> e.getValue().equals("OK")), errnos.toString());
            send(f, "c1", List.of(f.sample("c1")));
            f.flush();
            f.readUntil(f.topics().telemetry(), rs -> rs.stream().anyMatch(r -> r.key().equals("c1")
                    && parse(r).getCgroupsList().stream().anyMatch(g -> g.getPath().equals("/web")
                            && g.getLimitInBytes() == (64L << 20))));
        }
    }

    @Test
    void malformedRecordsAreDeadLetteredAndTheRestIsProcessed() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "dlq", 2)) {
            NodeAgent a = f.startAgent("dlq-a");
            send(f, "d1", "node mem=128M", "mkdir /g", "spawn 7 /g");
            f.sendRaw(f.topics().workload(), "d1", new byte[] {(byte) 0xff, 0x01, 0x02});
            f.send("d1", List.of(WorkloadEvent.newBuilder().setNodeId("someone-else").setSeq(99).build()));
            f.send("d1", List.of(WorkloadEvent.newBuilder().setNodeId("d1").setSeq(50)
                    .setMem(io.memfleet.proto.v1.Mem.newBuilder().setPid(7).setBytes(4096)).build()));
            int home = org.apache.kafka.common.utils.Utils.toPositive(
                    org.apache.kafka.common.utils.Utils.murmur2("d1".getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 2;
            f.sendToPartition(1 - home, "d1", List.of(WorkloadEvent.newBuilder().setNodeId("d1").setSeq(60)
                    .setTick(io.memfleet.proto.v1.Tick.newBuilder().setDurationNs(1)).build()));
            send(f, "d1", "anon 7 +256K", "tick 2s");
            awaitFinalState(f);
            List<ConsumerRecord<String, byte[]>> dl = f.readUntil(f.topics().deadLetter(), r -> r.size() >= 4);
            List<String> reasons = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : dl) {
                reasons.add(DeadLetter.parseFrom(r.value()).getReason());
            }
            // records of one partition are dead-lettered in order; the misrouted one is on the other partition
            List<String> home1 = reasons.stream().filter(x -> !x.contains("the node's partition is")).toList();
            assertTrue(home1.get(0).startsWith("not a WorkloadBatch"), reasons.toString());
            assertTrue(home1.get(1).contains("names node 'someone-else'"), reasons.toString());
            assertTrue(home1.get(2).contains("mem kind missing"), reasons.toString());
            assertTrue(reasons.stream().anyMatch(x -> x.contains("the node's partition is " + home)), reasons.toString());
            assertEquals(4, a.deadLettered.get());
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
            NodeAgent first = f.startAgent("first");
            List<String> nodes = List.of("r1", "r2", "r3", "r4");
            for (String n : nodes) {
                send(f, n, setup(n));
            }
            for (int round = 0; round < 4; round++) {
                for (String n : nodes) {
                    send(f, n, workload(round));
                }
            }
            f.flush();
            long half = sent.values().stream().mapToLong(List::size).sum();
            FleetHarness.await("the first half applied", () -> first.eventsApplied.get() >= half);
            f.stopAgent(first, crash);
            NodeAgent second = f.startAgent("second");
            for (int round = 4; round < 8; round++) {
                for (String n : nodes) {
                    send(f, n, workload(round));
                }
            }
            awaitFinalState(f);
            assertEquals(0, second.deadLettered.get());
            if (!crash) {
                assertEquals(0, second.duplicatesSkipped.get(), "a graceful stop commits everything it applied");
            }
        }
    }

    @Test
    void twoAgentsSharingTheFleetLoseNothingAcrossRebalances() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "rebalance", 6)) {
            NodeAgent a = f.startAgent("agent-a");
            List<String> nodes = List.of("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8");
            for (String n : nodes) {
                send(f, n, setup(n));
                send(f, n, workload(0));
            }
            f.flush();
            long phase1 = sent.values().stream().mapToLong(List::size).sum();
            FleetHarness.await("phase 1 applied", () -> a.eventsApplied.get() >= phase1);
            NodeAgent b = f.startAgent("agent-b");
            FleetHarness.await("agent b hosts nodes", () -> b.hostedNodes.get() > 0 && a.hostedNodes.get() < nodes.size());
            for (int round = 1; round < 4; round++) {
                for (String n : nodes) {
                    send(f, n, workload(round));
                }
            }
            f.flush();
            long phase2 = sent.values().stream().mapToLong(List::size).sum();
            FleetHarness.await("phase 2 applied", () -> a.eventsApplied.get() + b.eventsApplied.get() >= phase2);
            f.stopAgent(a, false);
            FleetHarness.await("agent b hosts the whole fleet", () -> b.hostedNodes.get() == nodes.size());
            for (String n : nodes) {
                send(f, n, workload(4));
            }
            awaitFinalState(f);
            assertTrue(b.rebalances.get() >= 2);
        }
    }

    @Test
    void aNodeWhoseSnapshotCannotBeRestoredHasItsEventsDeadLetteredWhileOthersCarryOn() throws Exception {
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "badsnap", 2)) {
            io.memfleet.proto.v1.NodeSnapshot bad = io.memfleet.proto.v1.NodeSnapshot.newBuilder().setNodeId("z1")
                    .setLastSeq(5).setEventLog(com.google.protobuf.ByteString.copyFrom(new byte[] {3, 1, 2, 3})).build();
            f.sendRaw(f.topics().snapshots(), "z1", bad.toByteArray());
            f.flush();
            NodeAgent a = f.startAgent("badsnap-a");
            f.send("z1", f.events("z1", "node mem=128M", "mkdir /g"));
            send(f, "z2", "node mem=128M", "mkdir /h", "spawn 1 /h", "anon 1 +64K");
            awaitFinalState(f);
            assertEquals(1, a.restoreFailures.get());
            List<ConsumerRecord<String, byte[]>> dl = f.readUntil(f.topics().deadLetter(), r -> r.size() >= 1);
            assertTrue(DeadLetter.parseFrom(dl.get(0).value()).getReason().contains("could not be restored"));
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
