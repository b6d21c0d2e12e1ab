package io.memfleet.agent.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.memfleet.protocol.NodeHeapCost;
import org.junit.jupiter.api.Test;

class HeapWatchTest {
    private final long budget = NodeHeapCost.nodesBudget(Runtime.getRuntime().maxMemory());
    private final HeapWatch watch = new HeapWatch(null);
    private final Object heavyLoop = "heavy";
    private final Object lightLoop = "light";

    @Test
    void aLoopOverTheBudgetAloneShedsAtOnce() {
        assertNull(watch.overBudget(heavyLoop, budget));
        assertNotNull(watch.overBudget(heavyLoop, budget + 1));
    }

    @Test
    void theHeaviestLoopShedsWhenALighterOneTookTheAgentOverBudget() {
        assertNull(watch.overBudget(heavyLoop, budget / 2 + 10));
        assertNull(watch.overBudget(lightLoop, budget / 2), "the lighter loop does not shed its smaller nodes");
        assertNull(watch.owed(lightLoop));
        String why = watch.owed(heavyLoop);
        assertNotNull(why, "the heaviest loop is told though its own nodes did not change");
        assertEquals(why, watch.overBudget(heavyLoop, budget / 2 + 10));
        assertNull(watch.owed(heavyLoop), "told once per time over budget");
    }

    @Test
    void nothingIsOwedOnceTheAgentIsBackUnderBudget() {
        watch.overBudget(heavyLoop, budget / 2 + 10);
        watch.overBudget(lightLoop, budget / 2);
        watch.overBudget(lightLoop, 0);
        assertNull(watch.owed(heavyLoop));
    }

    @Test
    void aForgottenLoopHoldsNothingAndOwesNothing() {
        watch.overBudget(heavyLoop, budget / 2 + 10);
        watch.overBudget(lightLoop, budget / 2);
        watch.forget(heavyLoop);
        assertNull(watch.owed(heavyLoop));
        assertNull(watch.overBudget(lightLoop, budget / 2));
    }

    @Test
    void withoutAnOldGenerationPoolTheJvmFigureIsNeverClaimed() {
        assertNull(watch.claim());
    }
}
