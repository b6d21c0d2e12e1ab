package io.memfleet.agent.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.script.ScriptParser;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.WorkloadBatch;
import io.memfleet.proto.v1.WorkloadEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimNodeTest {
    private static final String[] SCRIPT = {
        "node cpus=2 mem=256M seed=3", "mkdir /g", "echo 1M > /g/memory.limit_in_bytes", "spawn 1 /g",
        "anon 1 +2M", "dentry 1 +30", "tick 1500ms", "kmalloc 1 256 +40", "file 1 +512K", "tick 3s", "exit 1"};

    private static List<WorkloadEvent> events(String node) {
        List<WorkloadEvent> out = new ArrayList<>();
        for (int i = 0; i < SCRIPT.length; i++) {
            out.add(EventMapper.fromScriptLine(node, i + 1, SCRIPT[i], i == 0));
        }
        return out;
    }

    private static List<DecodedEvent> decode(byte[] batch) throws Exception {
        List<DecodedEvent> out = new ArrayList<>();
        WireDecoder.decodeBatch(batch, (n, s, c, e, d) -> out.add(new DecodedEvent(n, s, c, e, d)));
        return out;
    }

    @Test
    void aRestoredSnapshotContinuesExactlyLikeTheOriginal() throws Exception {
        List<WorkloadEvent> evs = events("n");
        SimNode a = new SimNode("n", KernelConfig.DEFAULT, 1_000_000_000L);
        List<NodeTelemetry> ta = new ArrayList<>();
        for (WorkloadEvent e : evs.subList(0, 6)) {
            a.apply(e, ta::add);
        }
        SimNode b = SimNode.restore(a.snapshot(), 1_000_000_000L);
        assertEquals(a.lastSeq(), b.lastSeq());
        List<NodeTelemetry> tb = new ArrayList<>();
        for (WorkloadEvent e : evs.subList(6, evs.size())) {
            a.apply(e, ta::add);
            b.apply(e, tb::add);
        }
        assertFalse(tb.isEmpty());
        assertEquals(ta.subList(ta.size() - tb.size(), ta.size()), tb);
        assertArrayEquals(Protos.deterministicBytes(a.sample()), Protos.deterministicBytes(b.sample()));
    }

    @Test
    void segmentsReplayedInOrderRebuildTheNodeAndAGapIsRefused() throws Exception {
        List<WorkloadEvent> evs = events("n");
        SimNode a = new SimNode("n", KernelConfig.DEFAULT, 1_000_000_000L);
        List<io.memfleet.proto.v1.NodeSnapshot> segs = new ArrayList<>();
        for (int i = 0; i < evs.size(); i++) {
            a.apply(evs.get(i), t -> { });
            if (i % 4 == 3) {
                segs.add(a.snapshot());
                a.segmentStored();
                assertEquals(0, a.logBytes(), "a segment carries only what is new");
            }
        }
        segs.add(a.snapshot());
        a.segmentStored();
        SimNode b = SimNode.restore(segs, 1_000_000_000L);
        assertArrayEquals(Protos.deterministicBytes(a.sample()), Protos.deterministicBytes(b.sample()));
        assertEquals(segs.size(), b.snapshot().getSegment());
        List<io.memfleet.proto.v1.NodeSnapshot> gap = new ArrayList<>(segs);
        gap.remove(1);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> SimNode.restore(gap, 1_000_000_000L));
    }

    @Test
    void eventsAtOrBelowTheLastAppliedSeqAreSkipped() throws Exception {
        SimNode n = new SimNode("n", KernelConfig.DEFAULT, 1_000_000_000L);
        List<WorkloadEvent> evs = events("n");
        for (WorkloadEvent e : evs) {
            assertTrue(n.apply(e, t -> { }));
        }
        assertFalse(n.apply(evs.get(4), t -> { }));
        assertEquals(1, n.duplicates());
    }

    @Test
    void theWireDecoderReadsWhatTheGeneratedClassesWrite() throws Exception {
        List<WorkloadEvent> evs = events("n");
        byte[] bytes = WorkloadBatch.newBuilder().addAllEvents(evs).build().toByteArray();
        List<DecodedEvent> decoded = decode(bytes);
        assertEquals(evs.size(), decoded.size());
        for (int i = 0; i < evs.size(); i++) {
            assertEquals(EventMapper.toCommand(evs.get(i)), decoded.get(i).command(), SCRIPT[i]);
            assertEquals(evs.get(i).getSeq(), decoded.get(i).seq());
        }
    }

    @Test
    void aBadEventIsRejectedWithItsReasonAndTheOthersApply() throws Exception {
        WorkloadEvent bad = WorkloadEvent.newBuilder().setSeq(2)
                .setMem(io.memfleet.proto.v1.Mem.newBuilder().setPid(1).setBytes(4096)).build();
        byte[] bytes = WorkloadBatch.newBuilder().addEvents(EventMapper.fromScriptLine("", 1, "spawn 1 /", true))
                .addEvents(bad).addEvents(EventMapper.fromScriptLine("", 3, "anon 1 +8K", false)).build().toByteArray();
        SimNode n = new SimNode("n", KernelConfig.DEFAULT, 1_000_000_000L);
        SimNode.BatchResult r = n.applyBatch(decode(bytes), bytes, t -> { });
        assertEquals(2, r.applied());
        assertEquals(List.of("event seq 2: mem kind missing or unknown: 0"), r.rejected());
        assertEquals(8192, n.kernel().image().cgroup("/").stat().shown(io.memfleet.kernel.image.StatItem.RSS));
        SimNode restored = SimNode.restore(n.snapshot(), 1_000_000_000L);
        assertEquals(8192, restored.kernel().image().cgroup("/").stat().shown(io.memfleet.kernel.image.StatItem.RSS));
    }

    @Test
    void everyScriptCommandSurvivesTheProtobufRoundTrip() throws Exception {
        String[] lines = {"print hello world", "mkdir /a", "rmdir /a", "echo 1M > /a/memory.limit_in_bytes",
            "cat /memory.stat", "spawn 3 /a cpu=1", "exit 3", "kill 3", "anon 3 -8K", "mlock 3 +4K", "file 3 +1M",
            "dentry 3 -2", "kmalloc irq 64 +5", "kmalloc 3 4096 -1", "tick 250ms", "dmesg"};
        for (String l : lines) {
            Command c = ScriptParser.parse(l, 1, false);
            WorkloadEvent e = EventMapper.toProto("n", 1, c);
            assertEquals(c, EventMapper.toCommand(e), l);
            assertEquals(c, decode(WorkloadBatch.newBuilder().addEvents(e).build().toByteArray()).get(0).command(), l);
        }
    }
}
