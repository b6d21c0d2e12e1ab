package io.memfleet.agent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.protocol.WorkloadWriter;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.ConfigAck;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.FileAck;
import io.memfleet.proto.v1.NodeSelector;
import io.memfleet.proto.v1.NodeSnapshot;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.WorkloadBatch;
import io.memfleet.proto.v1.WorkloadEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The node-agent's decisions, without a broker: the core gets records and says what to send and store. */
class AgentCoreTest {
    private static final AgentSettings SETTINGS = new AgentSettings(KernelConfig.DEFAULT, 1_000_000_000L, 4);

    private static final String[] SETUP = {"node cpus=2 mem=256M seed=7", "mkdir /a", "echo 1 > /a/memory.use_hierarchy",
        "mkdir /a/b", "echo 16M > /a/memory.limit_in_bytes"};

    private static String[] round(int i) {
        int pid = 100 + i;
        return new String[] {"spawn " + pid + " /a/b", "anon " + pid + " +" + (64 * (i + 1)) + "K", "dentry " + pid + " +25",
            "kmalloc " + pid + " 512 +9", "tick 700ms", "file " + pid + " +128K", "anon " + pid + " -32K",
            "exit " + (100 + i / 2)};
    }

    /** The node's last telemetry sample after asking for one: its whole observable state. */
    private static NodeTelemetry finalSample(CoreHarness h, String node) {
        h.send(node, h.sample(node, false, false));
        List<NodeTelemetry> t = h.telemetry(node);
        return t.get(t.size() - 1);
    }

    @Test
    void eventsApplyInOrderAndTelemetryFollowsSimulatedTime() {
        CoreHarness h = new CoreHarness(SETTINGS);
        h.run("n1", SETUP);
        for (int i = 0; i < 4; i++) {
            h.run("n1", round(i));
        }
        List<NodeTelemetry> t = h.telemetry("n1");
        assertEquals(2, t.size(), "4 x 700 ms of simulated time cross 1 s and 2 s");
        assertEquals(1_400_000_000L, t.get(0).getSimTimeNs());
        assertEquals(List.of(0L, 1L), t.stream().map(NodeTelemetry::getSeq).toList());
        NodeTelemetry last = finalSample(h, "n1");
        assertEquals(5 + 4 * 8 + 1, last.getEventsApplied());
        assertEquals(last.getEventsApplied(), last.getLastSeq());
        assertEquals(5 + 32 + 1, h.core.stats().applied);
        assertTrue(last.getCgroupsList().stream().anyMatch(g -> g.getPath().equals("/a/b") && g.getKmemUsageInBytes() > 0));
    }

    @Test
    void aNodeBootsWithTheKernelOptionsOfItsShapeNotTheAgents() {
        CoreHarness h = new CoreHarness(SETTINGS);
        for (String kernel : List.of("nokmem", "default")) {
            String node = "exp/" + kernel;
            h.send(node, h.commands(node, new io.memfleet.kernel.api.Command.Node(2, 256L << 20, 0, 7, 100, kernel)));
            h.run(node, java.util.Arrays.copyOfRange(SETUP, 1, SETUP.length));
            for (int i = 0; i < 4; i++) {
                h.run(node, round(i));
            }
        }
        long kmemOff = finalSample(h, "exp/nokmem").getCgroupsList().stream().filter(g -> g.getPath().equals("/a/b"))
                .findFirst().orElseThrow().getKmemUsageInBytes();
        long kmemOn = finalSample(h, "exp/default").getCgroupsList().stream().filter(g -> g.getPath().equals("/a/b"))
                .findFirst().orElseThrow().getKmemUsageInBytes();
        assertEquals(0, kmemOff, "nokmem: no kernel memory is charged");
        assertTrue(kmemOn > 0, "the default kernel charges dentries and kmalloc to /a/b");
    }

    @Test
    void aKeyThatIsNoNodeIdIsDeadLetteredAndNoNodeIsHosted() {
        CoreHarness h = new CoreHarness(SETTINGS);
        for (String bad : List.of("/tmp/x/escaped", "a/../b", "n\n1", "x".repeat(201), "e1/")) {
            h.send(bad, h.lines(bad, SETUP));
        }
        h.run("n1", SETUP);
        assertEquals(5, h.deadLetterReasons().size(), h.deadLetterReasons().toString());
        assertTrue(h.deadLetterReasons().stream().allMatch(r -> r.contains("not a node id")), h.deadLetterReasons().toString());
        assertEquals(1, h.core.hostedNodes());
    }

    @Test
    void aRecordWithoutEventsIsDeadLettered() {
        CoreHarness h = new CoreHarness(SETTINGS);
        h.run("n1", SETUP);
        h.send("n1", new io.memfleet.protocol.WorkloadWriter().reset("n1").toByteArray());
        h.send("n1", new byte[0]);
        assertEquals(2, h.deadLetterReasons().size(), h.deadLetterReasons().toString());
        assertTrue(h.deadLetterReasons().stream().allMatch(r -> r.contains("a record without events")),
                h.deadLetterReasons().toString());
    }

    @Test
    void aRedeliveredRecordIsSkippedAndChangesNothing() {
        CoreHarness h = new CoreHarness(SETTINGS);
        byte[] setup = h.lines("n1", SETUP);
        h.send("n1", setup);
        byte[] r0 = h.lines("n1", round(0));
        h.send("n1", r0);
        NodeTelemetry before = finalSample(h, "n1");
        Outbox again = h.send("n1", r0);
        assertEquals(8, again.duplicates());
        assertEquals(0, again.eventsApplied());
        assertEquals(0, again.deadLettered());
        NodeTelemetry after = finalSample(h, "n1");
        assertEquals(before.toBuilder().clearSeq().clearEventsApplied().clearLastSeq().build(),
                after.toBuilder().clearSeq().clearEventsApplied().clearLastSeq().build());
    }

    private static byte[] record(String node, long firstSeq, String... script) {
        io.memfleet.protocol.WorkloadWriter w = new io.memfleet.protocol.WorkloadWriter().reset(node);
        long seq = firstSeq;
        int line = 1;
        for (String text : script) {
            w.command(seq++, io.memfleet.kernel.script.ScriptParser.parse(text, line, line++ == 1));
        }
        return w.toByteArray();
    }

    @Test
    void aGapInANodesSeqsIsDeadLetteredAndTheNodeWaitsUntilTheMissingEventsCome() {
        CoreHarness h = new CoreHarness(SETTINGS);
        h.send("g1", record("g1", 1, "node mem=64M", "spawn 1 /"));
        Outbox early = h.send("g1", record("g1", 5, "anon 1 +1M"));
        assertEquals(0, early.eventsApplied());
        assertEquals(1, early.deadLettered());
        assertTrue(h.deadLetterReasons().get(0).contains("events 3..4 have not arrived"), h.deadLetterReasons().toString());
        assertEquals(2, h.send("g1", record("g1", 3, "anon 1 +4K", "anon 1 +4K")).eventsApplied(), "the gap filled");
        assertEquals(1, h.send("g1", record("g1", 5, "anon 1 +1M")).eventsApplied(), "and then what follows it");
    }

    @Test
    void aReusedSeqWithOtherContentIsDeadLetteredWhileARedeliveryIsADuplicate() {
        CoreHarness h = new CoreHarness(SETTINGS);
        h.send("r1", record("r1", 1, "node mem=64M", "spawn 1 /"));
        byte[] first = record("r1", 3, "anon 1 +8K", "dentry 1 +5");
        h.send("r1", first);
        Outbox again = h.send("r1", first);
        assertEquals(2, again.duplicates());
        assertEquals(0, again.deadLettered());
        Outbox other = h.send("r1", record("r1", 3, "anon 1 +800K", "dentry 1 +5"));
        assertEquals(0, other.eventsApplied());
        assertEquals(1, other.deadLettered());
        assertTrue(h.deadLetterReasons().get(0).contains("reuse seqs from 3"), h.deadLetterReasons().toString());
        assertEquals(1, h.send("r1", record("r1", 5, "tick 1s")).eventsApplied(), "the node goes on");
    }

    @Test
    void anInvalidEventUsesItsSeqSoTheEventsAfterItStillApply() {
        CoreHarness h = new CoreHarness(SETTINGS);
        h.send("v1", record("v1", 1, "node mem=64M", "spawn 1 /"));
        byte[] bad = WorkloadBatch.newBuilder().setNodeId("v1").addEvents(WorkloadEvent.newBuilder().setSeq(3)).build()
                .toByteArray();
        assertEquals(1, h.send("v1", bad).deadLettered());
        assertEquals(1, h.send("v1", record("v1", 4, "anon 1 +4K")).eventsApplied());
        assertEquals(0, h.deadLetterReasons().stream().filter(r -> r.contains("have not arrived")).count());
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void hostileSizesEndInAnErrnoAndTheOtherNodesOfTheAgentGoOn() {
        CoreHarness h = new CoreHarness(SETTINGS);
        h.run("ok", SETUP);
        Outbox o = h.run("hostile", "node cpus=1024 mem=1048576G", "spawn 1 /", "dentry 1 +100000000000",
                "tick 2305843009213693951ns", "file 1 +1048575G", "kmalloc irq 32 +100000000", "anon 1 +1024G",
                "tick 2305843009213693951ns");
        assertEquals(8, o.eventsApplied());
        assertEquals(0, o.deadLettered());
        assertEquals(8, h.run("ok", round(0)).eventsApplied());
        assertEquals(2 * 2305843009213693951L, finalSample(h, "hostile").getSimTimeNs());
    }

    @Test
    void malformedRecordsAndEventsAreDeadLetteredWithWhereTheyCameFromAndTheRestApplies() {
        CoreHarness h = new CoreHarness(SETTINGS);
        h.run("d1", "node mem=128M", "mkdir /g", "spawn 7 /g");
        int home = h.core.homePartition("d1");
        h.send("d1", new byte[] {(byte) 0xff, 0x01, 0x02});
        h.send(home, null, new byte[] {1});
        h.send((home + 1) % 4, "d1", h.lines("d1", "tick 1ms"));
        byte[] mixed = WorkloadBatch.newBuilder()
                .addEvents(WorkloadEvent.newBuilder().setSeq(h.seq.merge("d1", 1L, Long::sum)).setNodeId("someone-else"))
                .addEvents(WorkloadEvent.newBuilder().setSeq(h.seq.merge("d1", 1L, Long::sum))
                        .setMem(io.memfleet.proto.v1.Mem.newBuilder().setPid(7).setBytes(4096)))
                .addEvents(WorkloadEvent.newBuilder().setSeq(0).setTick(io.memfleet.proto.v1.Tick.getDefaultInstance()))
                .build().toByteArray();
        Outbox o = h.send("d1", mixed);
        h.run("d1", "node mem=64M", "anon 7 +256K");
        h.send("d9", h.lines("d9", "mkdir /x").length > 0 ? new WorkloadWriter().reset("d9")
                .command(5, new io.memfleet.kernel.api.Command.Mkdir("/x")).toByteArray() : null);
        List<String> reasons = h.deadLetterReasons();
        assertTrue(reasons.get(0).startsWith("not a WorkloadBatch"), reasons.toString());
        assertEquals("record without a node id key or a value", reasons.get(1));
        assertTrue(reasons.get(2).contains("the node's partition is " + home), reasons.get(2));
        assertTrue(reasons.get(3).contains("names node 'someone-else'"), reasons.get(3));
        assertTrue(reasons.get(4).contains("mem kind missing"), reasons.get(4));
        assertTrue(reasons.get(5).contains("seq 0 cannot be deduplicated"), reasons.get(5));
        assertTrue(reasons.get(6).contains("node shape after the node booted"), reasons.get(6));
        assertTrue(reasons.get(7).contains("its first event is seq 5, not 1"), reasons.get(7));
        assertEquals(8, reasons.size());
        assertEquals(0, o.eventsApplied());
        assertTrue(h.log.stream().anyMatch(l -> l.startsWith("dead-lettered " + CoreHarness.WORKLOAD + "-" + home + "@")),
                h.log.toString());
        assertEquals(1, h.core.hostedNodes(), "d9 was never hosted");
        NodeTelemetry d1 = finalSample(h, "d1");
        assertTrue(d1.getCgroupsList().stream().anyMatch(g -> g.getPath().equals("/g") && g.getUsageInBytes() >= 256 << 10));
    }

    /** Runs the same records through an uninterrupted core and one restarted from its snapshots. */
    private static void restartAndCompare(AgentSettings s, int roundsBefore, int roundsAfter) {
        List<String> nodes = List.of("r1", "r2", "r3", "r4", "r5");
        CoreHarness straight = new CoreHarness(s);
        CoreHarness interrupted = new CoreHarness(s);
        for (CoreHarness h : List.of(straight, interrupted)) {
            nodes.forEach(n -> h.run(n, SETUP));
            for (int i = 0; i < roundsBefore; i++) {
                for (String n : nodes) {
                    h.run(n, round(i));
                }
            }
        }
        interrupted.commitAll();
        CoreHarness resumed = interrupted.restart(s);
        assertEquals(nodes.size(), resumed.core.hostedNodes());
        for (CoreHarness h : List.of(straight, resumed)) {
            for (int i = roundsBefore; i < roundsBefore + roundsAfter; i++) {
                for (String n : nodes) {
                    h.run(n, round(i));
                }
            }
        }
        for (String n : nodes) {
            assertArrayEquals(finalSample(straight, n).toByteArray(), finalSample(resumed, n).toByteArray(), n);
        }
    }

    @Test
    void aNodeRestoredFromItsSegmentsContinuesExactlyLikeAnUninterruptedOne() {
        restartAndCompare(SETTINGS, 3, 3);
    }

    @Test
    void aNodeRestoredFromACheckpointAndTheSegmentsAfterItContinuesExactly() {
        restartAndCompare(new AgentSettings(KernelConfig.DEFAULT, 1_000_000_000L, 4, 1, 0.0), 3, 3);
    }

    @Test
    void segmentsAreCompactedIntoACheckpointThatRetiresTheirKeys() {
        AgentSettings small = new AgentSettings(KernelConfig.DEFAULT, 1_000_000_000L, 4, 2000, 0.0);
        CoreHarness h = new CoreHarness(small);
        h.run("c1", SETUP);
        h.commitAll();
        h.run("c1", round(0));
        h.commitAll();
        for (int i = 1; i < 40; i++) {
            h.run("c1", round(i));
            h.commitAll();
        }
        List<StoredRecord> recs = h.snapshots.get(h.core.homePartition("c1"));
        Map<String, byte[]> live = new LinkedHashMap<>();
        for (StoredRecord r : recs) {
            if (r.value() == null) {
                live.remove(r.key());
            } else {
                live.put(r.key(), r.value());
            }
        }
        assertTrue(h.core.stats().checkpoints >= 2, "checkpoints " + h.core.stats().checkpoints);
        assertTrue(live.containsKey("c1/c"), live.keySet().toString());
        assertTrue(live.size() <= 1 + 40 / 2, "after compaction only the checkpoint and the segments after it remain: "
                + live.keySet());
        CoreHarness resumed = h.restart(small);
        assertEquals(1, resumed.core.hostedNodes());
        assertArrayEquals(finalSample(h, "c1").toByteArray(), finalSample(resumed, "c1").toByteArray());
    }

    @Test
    void aReleasedNodeSendsItsFinalStateAndIsRetiredOnlyAfterTheCommit() {
        CoreHarness h = new CoreHarness(SETTINGS);
        h.run("e1/0001", SETUP);
        h.run("e1/0001", round(0));
        h.commitAll();
        h.send("e1/0001", h.sample("e1/0001", true, true));
        List<Send> results = h.sent.get(Send.Channel.RESULTS);
        assertEquals(1, results.size());
        NodeTelemetry fin = CoreHarness.parse(results.get(0).value());
        assertTrue(fin.getFilesList().stream().anyMatch(f -> f.getPath().equals("/a/b/memory.kmem.slabinfo")));
        assertTrue(fin.getFilesList().stream().anyMatch(f -> f.getPath().equals("/proc/slabinfo")));
        NodeTelemetry t = h.telemetry("e1/0001").get(h.telemetry("e1/0001").size() - 1);
        assertTrue(t.getFilesPublished());
        assertEquals(0, t.getFilesCount(), "telemetry carries no files");
        assertEquals(fin.toBuilder().clearFiles().build(), t);
        Outbox late = h.run("e1/0001", "tick 1s");
        assertEquals(1, late.deadLettered(), "after its release a node takes no events");
        CommitPlan plan = h.commitAll();
        assertEquals(0, h.core.hostedNodes());
        assertEquals(List.of("e1/0001/c"), plan.afterCommit().stream().map(Send::key).toList());
        assertNull(plan.afterCommit().get(0).value());
        NodeSnapshot marker = plan.snapshots().stream().filter(s -> s.key().equals("e1/0001/c"))
                .map(s -> parseSnapshot(s.value())).findFirst().orElseThrow();
        assertTrue(marker.getReleased());
        Outbox again = h.send("e1/0001", h.lines("e1/0001", "tick 1s"));
        assertEquals(1, again.deadLettered(), "a recently released node is still known");
        CoreHarness resumed = h.restart(SETTINGS);
        assertEquals(0, resumed.core.hostedNodes(), "released nodes are not restored");
    }

    @Test
    void aRestoreRetiresTheKeysOfANodeReleasedBeforeItsMarkerWasTombstoned() {
        CoreHarness h = new CoreHarness(SETTINGS);
        h.run("e2/0001", SETUP);
        h.commitAll();
        h.send("e2/0001", h.sample("e2/0001", false, true));
        CommitPlan plan = h.core.commit(List.of(0, 1, 2, 3));
        plan.snapshots().forEach(s -> h.snapshots.computeIfAbsent(s.partition(), p -> new java.util.ArrayList<>())
                .add(new StoredRecord(s.key(), s.value(), 0))); // stored, then the agent died before committing
        CoreHarness resumed = h.restart(SETTINGS);
        assertEquals(0, resumed.core.hostedNodes());
        int p = resumed.core.homePartition("e2/0001");
        List<StoredRecord> after = resumed.snapshots.get(p);
        assertEquals(new StoredRecord("e2/0001/c", null, after.size() - 1), after.get(after.size() - 1));
    }

    @Test
    void aNodeWithAGapInItsSegmentsIsReportedAndItsEventsAreDeadLetteredWhileOthersCarryOn() {
        CoreHarness h = new CoreHarness(SETTINGS);
        h.run("z1", SETUP);
        h.commitAll();
        h.run("z1", round(0));
        h.commitAll();
        h.run("z2", SETUP);
        h.commitAll();
        int p = h.core.homePartition("z1");
        h.snapshots.get(p).removeIf(r -> r.key().equals("z1/s/000000000000"));
        CoreHarness resumed = h.restart(SETTINGS);
        assertEquals(1, resumed.core.stats().restoreFailures);
        assertTrue(resumed.log.stream().anyMatch(l -> l.contains("snapshot of node z1") && l.contains("segment 0 is missing")),
                resumed.log.toString());
        Outbox o = resumed.run("z1", "tick 1s");
        assertEquals(1, o.deadLettered());
        assertTrue(resumed.deadLetterReasons().get(0).contains("could not be restored"));
        assertEquals(1, resumed.run("z2", "tick 1s").eventsApplied());
    }

    @Test
    void aRolloutIsAppliedInTheKernelsOrderAndAckedPerFileWithItsErrno() {
        CoreHarness h = new CoreHarness(SETTINGS);
        for (String n : List.of("c1", "c2", "c3")) {
            h.run(n, "node mem=512M", "mkdir /web", "spawn 1 /web", "anon 1 +1M");
        }
        ConfigRollout ro = ConfigRollout.newBuilder().setRolloutId("limits").setGeneration(1)
                .setSelector(NodeSelector.newBuilder().addNodeIds("c1").addNodeIds("c2"))
                .addCgroups(CgroupConfig.newBuilder().setPath("/web").setLimitInBytes(64L << 20).setSwappiness(200))
                .addCgroups(CgroupConfig.newBuilder().setPath("/db").setLimitInBytes(32L << 20)
                        .setMemswLimitInBytes(64L << 20).setKmemIndependent(true).setKmemLimitInBytes(8L << 20))
                .build();
        h.take(h.core.rollout(0, ro.getRolloutId(), ro.toByteArray()));
        Map<String, ConfigAck> acks = new LinkedHashMap<>();
        for (Send s : h.sent.get(Send.Channel.ACKS)) {
            acks.put(s.key(), parseAck(s.value()));
        }
        assertEquals(List.of("c1", "c2"), List.copyOf(acks.keySet()), "c3 is not selected");
        Map<String, String> errnos = acks.get("c1").getFilesList().stream()
                .collect(Collectors.toMap(FileAck::getPath, FileAck::getErrno, (x, y) -> y, LinkedHashMap::new));
        assertEquals("EINVAL", errnos.get("/web/memory.swappiness"));
        assertEquals("OK", errnos.get("/web/memory.limit_in_bytes"));
        assertEquals(List.of("/db", "/db/memory.kmem.independent_kmem_limit", "/db/memory.kmem.limit_in_bytes",
                "/db/memory.limit_in_bytes", "/db/memory.memsw.limit_in_bytes"),
                errnos.keySet().stream().filter(p -> p.startsWith("/db")).toList());
        h.take(h.core.rollout(1, ro.getRolloutId(), ro.toByteArray()));
        assertEquals(2, h.sent.get(Send.Channel.ACKS).size(), "a generation is applied once");
        h.commitAll();
        CoreHarness resumed = h.restart(SETTINGS);
        resumed.take(resumed.core.rollout(0, ro.getRolloutId(), ro.toByteArray()));
        assertFalse(resumed.sent.containsKey(Send.Channel.ACKS), "a restored node remembers what it applied");
        assertArrayEquals(finalSample(h, "c1").toByteArray(), finalSample(resumed, "c1").toByteArray());
    }

    private static ConfigAck parseAck(byte[] b) {
        try {
            return ConfigAck.parseFrom(b);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static NodeSnapshot parseSnapshot(byte[] b) {
        try {
            return NodeSnapshot.parseFrom(b);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRolloutStepsWritesAreAckedWithTheKernelsErrnoAndKeptInTheNodesState() throws Exception {
        CoreHarness h = new CoreHarness(SETTINGS);
        String node = "exp-abc123/0";
        h.run(node, "node cpus=1 mem=256M seed=3", "mkdir /g", "echo 64M > /g/memory.limit_in_bytes", "spawn 1 /g",
                "mlock 1 +32M", "tick 1s");
        long seq = h.seq.merge(node, 1L, Long::sum);
        io.memfleet.protocol.RolloutStep step = new io.memfleet.protocol.RolloutStep("tighter", 1, false, List.of(
                new io.memfleet.kernel.api.Command.Echo("16777216", "/g/memory.limit_in_bytes"),
                new io.memfleet.kernel.api.Command.Echo("8388608", "/g/memory.soft_limit_in_bytes")));
        h.send(node, new io.memfleet.protocol.WorkloadWriter().reset(node).configStep(seq, step).toByteArray());
        io.memfleet.proto.v1.ConfigAck ack = io.memfleet.proto.v1.ConfigAck.parseFrom(
                h.sent.get(Send.Channel.ACKS).get(0).value());
        assertEquals(List.of("tighter", 1, 1_000_000_000L, "EBUSY", "OK"), List.of(ack.getRolloutId(), ack.getWave(),
                ack.getSimTimeNs(), ack.getFiles(0).getErrno(), ack.getFiles(1).getErrno()),
                "32M of locked memory cannot go under a 16M limit; the next write is still made");
        h.commitAll();
        CoreHarness resumed = h.restart(SETTINGS);
        resumed.send(node, resumed.sample(node, true, true));
        List<NodeTelemetry> t = resumed.telemetry(node);
        io.memfleet.proto.v1.ConfigOutcome kept = t.get(t.size() - 1).getConfigOutcomes(0);
        assertEquals(ack.getFilesList(), kept.getFilesList(), "the final state lists the step, also after a restore");
        assertEquals(1, t.get(t.size() - 1).getConfigOutcomesCount());
    }

    @Test
    void aLiveRolloutLeavesAnExperimentsNodesAlone() {
        CoreHarness h = new CoreHarness(SETTINGS);
        h.run("exp-abc123/0", "node mem=64M", "mkdir /g");
        h.run("standing", "node mem=64M", "mkdir /g");
        io.memfleet.proto.v1.ConfigRollout all = io.memfleet.proto.v1.ConfigRollout.newBuilder().setRolloutId("live")
                .setGeneration(1).setSelector(io.memfleet.proto.v1.NodeSelector.newBuilder().setAll(true))
                .addCgroups(io.memfleet.proto.v1.CgroupConfig.newBuilder().setPath("/g").setLimitInBytes(8 << 20)).build();
        h.take(h.core.rollout(0, "live", all.toByteArray()));
        List<String> acked = h.sent.get(Send.Channel.ACKS).stream().map(Send::key).toList();
        assertEquals(List.of("standing"), acked);
    }
}
