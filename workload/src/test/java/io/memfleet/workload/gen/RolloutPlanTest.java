package io.memfleet.workload.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.proto.v1.RolloutDecision;
import io.memfleet.workload.spec.ExperimentParser;
import io.memfleet.workload.spec.ExperimentSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which nodes a rollout's waves take, and when they change: a pure function of the file and the verdicts. */
class RolloutPlanTest {
    static final String BASE = """
            name: plan
            seed: 5
            nodes: 24
            duration: 30s
            step: 100ms
            cgroups: [{path: /batch, limit: 32M}]
            workloads: [{model: anon-grower, cgroup: /batch}]
            """;

    static ExperimentSpec spec(String rollout) throws Exception {
        return ExperimentParser.parse(BASE + "rollouts:\n" + rollout, "plan.yaml");
    }

    static final String GUARDED = """
              - name: tight
                at: 10s
                cgroups: [{path: /batch, limit: 24M}]
                waves: [10%%, 50%%, 100%%]
                order: %s
                bake: 5s
                halt_if: [{cgroup: /batch, metric: oom_kills, per_node_above: 0.05}]
                on_halt: %s
            """;

    private static RolloutPlan plan(String order, String onHalt) throws Exception {
        return new RolloutPlan(spec(GUARDED.formatted(order, onHalt)));
    }

    private static RolloutPlan.Verdicts verdicts(boolean... halted) {
        List<RolloutDecision> d = new ArrayList<>();
        for (int k = 0; k < halted.length; k++) {
            d.add(RolloutDecision.newBuilder().setRollout("tight").setWave(k + 1).setHalted(halted[k]).build());
        }
        return RolloutPlan.Verdicts.of(d);
    }

    @Test
    void indexOrderTakesTheNodesInTurnAndEveryWaveReachesItsShareRoundedUp() throws Exception {
        RolloutPlan p = plan("index", "rollback");
        assertArrayEquals(new int[] {0, 1, 2}, p.waveNodes(0, 1), "10% of 24 nodes, rounded up: 3");
        assertArrayEquals(new int[] {3, 4, 5, 6, 7, 8, 9, 10, 11}, p.waveNodes(0, 2));
        assertEquals(12, p.waveNodes(0, 3).length);
        assertEquals(2, p.waveOf(0, 5));
    }

    @Test
    void seededOrderIsAShuffleFixedByTheSeedAndTheRolloutsName() throws Exception {
        RolloutPlan p = plan("seeded", "rollback");
        RolloutPlan again = plan("seeded", "rollback");
        int[] all = new int[24];
        int at = 0;
        for (int k = 1; k <= 3; k++) {
            assertArrayEquals(p.waveNodes(0, k), again.waveNodes(0, k), "the same file, the same waves");
            for (int n : p.waveNodes(0, k)) {
                all[at++] = n;
            }
        }
        Arrays.sort(all);
        for (int i = 0; i < 24; i++) {
            assertEquals(i, all[i], "every node in exactly one wave");
        }
        assertFalse(Arrays.equals(new int[] {0, 1, 2}, p.waveNodes(0, 1)), "not index order");
        RolloutPlan otherSeed = new RolloutPlan(ExperimentParser.parse((BASE + "rollouts:\n"
                + GUARDED.formatted("seeded", "rollback")).replace("seed: 5", "seed: 6"), "plan.yaml"));
        assertNotEquals(Arrays.toString(p.waveNodes(0, 1)), Arrays.toString(otherSeed.waveNodes(0, 1)));
    }

    @Test
    void theFirstWaveGoesAtItsTimeAndEachNextWaveWaitsForTheVerdictBeforeIt() throws Exception {
        RolloutPlan p = plan("index", "rollback");
        assertEquals(150, p.barrierStep(RolloutPlan.Verdicts.NONE), "nothing past 15 s before wave 1's verdict");
        assertEquals(List.of(new RolloutPlan.Action(p.rollouts().get(0), 1, false)),
                p.actionsAt(0, 100, RolloutPlan.Verdicts.NONE), "wave 1 at 10 s");
        assertEquals(List.of(), p.actionsAt(3, 100, RolloutPlan.Verdicts.NONE), "a wave-2 node is not in wave 1");
        RolloutPlan.Verdicts passed = verdicts(false);
        assertEquals(200, p.barrierStep(passed), "then nothing past 20 s before wave 2's");
        assertEquals(List.of(new RolloutPlan.Action(p.rollouts().get(0), 2, false)), p.actionsAt(3, 150, passed));
        assertEquals(List.of(), p.actionsAt(0, 150, passed), "a passed wave is not written again");
        assertEquals(Long.MAX_VALUE, p.barrierStep(verdicts(false, false, false)), "every verdict made");
    }

    @Test
    void aHaltedWaveRollsBackEveryNodeChangedSoFarAndTheLaterWavesNeverChange() throws Exception {
        RolloutPlan p = plan("index", "rollback");
        RolloutPlan.Verdicts v = verdicts(false, true);
        for (int node : p.waveNodes(0, 1)) {
            assertEquals(List.of(new RolloutPlan.Action(p.rollouts().get(0), 2, true)), p.actionsAt(node, 200, v));
        }
        for (int node : p.waveNodes(0, 2)) {
            assertEquals(List.of(new RolloutPlan.Action(p.rollouts().get(0), 2, true)), p.actionsAt(node, 200, v));
        }
        for (int node : p.waveNodes(0, 3)) {
            for (long step = 0; step < 300; step++) {
                assertEquals(List.of(), p.actionsAt(node, step, v), "wave 3 never applied");
            }
        }
        assertEquals(Long.MAX_VALUE, p.barrierStep(v), "no verdict after a halt");
    }

    @Test
    void holdKeepsTheAppliedWavesAsTheyAre() throws Exception {
        RolloutPlan p = plan("index", "hold");
        RolloutPlan.Verdicts v = verdicts(true);
        assertEquals(List.of(), p.actionsAt(0, 150, v));
        assertTrue(p.changedAt(0, 0, 29_000_000_000L, v), "still changed at the end");
    }

    @Test
    void aSampleAtAStepsBoundarySeesTheNodeBeforeThatStepsConfiguration() throws Exception {
        RolloutPlan p = plan("index", "rollback");
        RolloutPlan.Verdicts v = verdicts(true);
        assertFalse(p.changedAt(0, 0, 10_000_000_000L, v), "the sample at 10 s precedes the write");
        assertTrue(p.changedAt(0, 0, 11_000_000_000L, v));
        assertTrue(p.changedAt(0, 0, 15_000_000_000L, v), "the sample at 15 s precedes the rollback");
        assertFalse(p.changedAt(0, 0, 16_000_000_000L, v));
        assertFalse(p.changedAt(0, 3, 16_000_000_000L, v), "a node of a wave never applied");
    }

    @Test
    void aRolloutWithoutRulesPassesEveryWaveWithoutWaiting() throws Exception {
        RolloutPlan p = new RolloutPlan(spec("""
                  - {name: free, at: 5s, cgroups: [{path: /batch, limit: 24M}], waves: [50%, 100%], order: index, bake: 5s}
                """));
        assertEquals(Long.MAX_VALUE, p.barrierStep(RolloutPlan.Verdicts.NONE));
        assertEquals(1, p.actionsAt(12, 100, RolloutPlan.Verdicts.NONE).size(), "wave 2 at 10 s");
    }
}
