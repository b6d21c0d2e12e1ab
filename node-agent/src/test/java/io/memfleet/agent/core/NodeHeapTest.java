package io.memfleet.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.proto.v1.NodeTelemetry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nodes against the agent's heap: one that could not fit is refused, the heaviest goes first under pressure. */
class NodeHeapTest {
    private static final AgentSettings SETTINGS = new AgentSettings(KernelConfig.DEFAULT, 1_000_000_000L, 4);

    @Test
    void theWorstCaseGrowsWithMemoryUpToTheModelsSlabCap() {
        assertEquals(NodeHeap.BASE_BYTES + (256L << 20) / 4096 * 112 * 8,
                NodeHeap.worstCase(new Command.Node(1, 256L << 20, 0, 1, 100)), "every page full of 32-byte objects");
        assertEquals(NodeHeap.worstCase(new Command.Node(1, 1L << 30, 0, 1, 100)),
                NodeHeap.worstCase(new Command.Node(1, 64L << 30, 0, 1, 100)), "no more slab than 2^18 pages");
    }

    @Test
    void anOrdinaryNodeIsEstimatedSmallEnoughThatTwentyThousandFitTheLaunchersHeap() {
        CoreHarness h = new CoreHarness(SETTINGS);
        h.run("q", "node cpus=2 mem=1G seed=1", "mkdir /web", "mkdir /batch", "mkdir /jobs", "spawn 100 /web",
                "dentry 100 +2000", "kmalloc 100 512 +2000", "tick 1s");
        long estimate = h.core.heapEstimate();
        assertTrue(estimate < 256 << 10, "a node with a few thousand objects: " + estimate);
        assertTrue(20_000 * estimate < (6L << 30) / 4 * 3, "20,000 of them within 3/4 of a 6 GiB heap");
    }

    @Test
    void aNodeTheAgentCannotHoldIsRefusedWithWhyAndTheOthersGoOn() {
        CoreHarness h = new CoreHarness(SETTINGS.withNodeHeapBudget(100L << 20));
        h.run("big", "node cpus=1 mem=1G seed=1", "mkdir /a");
        h.run("small", "node cpus=1 mem=128M seed=2", "mkdir /a");
        String reason = h.deadLetterReasons().get(0);
        assertTrue(reason.startsWith("node big: refused: a node with 1024 MiB of simulated memory can take up to 224 MiB "
                + "of an agent's heap, more than the 100 MiB this agent gives one node"), reason);
        List<NodeTelemetry> big = h.telemetry("big");
        assertTrue(big.get(big.size() - 1).getFailure().startsWith("refused: "), "its last sample says so");
        assertEquals(1, h.core.hostedNodes(), "the small node is hosted");
        h.run("big", "mkdir /b");
        assertTrue(h.deadLetterReasons().get(h.deadLetterReasons().size() - 1).contains("its events are not applied"));
    }

    @Test
    void underPressureTheNodeHoldingTheMostSlabIsQuarantined() {
        CoreHarness h = new CoreHarness(SETTINGS);
        // named so that a tie would pick the light one: the estimates come from the samples after a simulated second
        h.run("a-light", "node cpus=1 mem=256M seed=1", "spawn 100 /", "kmalloc 100 64 +1000", "tick 1s");
        h.run("b-heavy", "node cpus=1 mem=256M seed=2", "spawn 100 /", "kmalloc 100 64 +200000", "tick 1s");
        long slab = h.core.heapEstimate() - 2 * NodeHeap.BASE_BYTES;
        assertTrue(slab >= 200_000 * 8 && slab < 260_000 * 8,
                "the agent's total follows the samples' slab objects (200,000 of 64 bytes, their slabs' free ones, some more): "
                        + slab);
        h.take(h.core.shedHeaviest("the agent's heap was 90% full after a collection (900 of 1000 MiB)"));
        List<NodeTelemetry> heavy = h.telemetry("b-heavy");
        String why = heavy.get(heavy.size() - 1).getFailure();
        assertTrue(why.startsWith("quarantined: the agent's heap was 90% full after a collection (900 of 1000 MiB); "
                + "this node held the most of it (about "), why);
        assertEquals(1, h.core.hostedNodes());
        assertEquals(1, h.core.stats().quarantined);
        assertTrue(h.core.heapEstimate() < NodeHeap.BASE_BYTES + 100_000, "its share is gone from the total");
        h.take(h.core.shedHeaviest("again"));
        assertEquals(0, h.core.hostedNodes(), "then the next heaviest");
        assertEquals(0, h.core.shedHeaviest("none left").sends().size());
    }
}
