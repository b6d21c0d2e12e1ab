package io.memfleet.kernel.slab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.testing.Sim;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task asleep in the OOM wait of a slab page charge, moved out of its group, which is then
 * removed: rmdir's oom recover wakes it and the retried charge goes to the group resolved before
 * the sleep (or, under kmem-reparent, to the heir that now owns the dead cache's pages), so that
 * the later uncharges of the dead cache's pages leave every counter at its real usage.
 */
class SleepingGrowAcrossRmdirTest {
    private static final long PAGE = 4096;
    /** /p's own memory: 32 pages of anonymous memory, exactly one charge batch, so no stock is left. */
    private static final long ANON = 32 * PAGE;

    /** /p (use_hierarchy, OOM killer off) with a task of 128K; /p/g at 16K, whose task sleeps in a size-4096 grow. */
    private static Sim asleepInARemovedGroup(String options) {
        Sim sim = Sim.boot("node cpus=1 mem=1G", KernelConfig.parse(options));
        sim.run("mkdir /p", "echo 1 > /p/memory.use_hierarchy", "echo 1 > /p/memory.oom_control", "mkdir /p/g",
                "spawn 2 /p", "anon 2 +128K", "spawn 1 /p/g", "echo 16K > /p/g/memory.limit_in_bytes",
                "kmalloc 1 4096 +1", "tick 1ms", "kmalloc 1 4096 +3");
        assertEquals(4 * PAGE, sim.num("/p/g/memory.kmem.usage_in_bytes"), "three size-4096 slabs and a size-64 one");
        assertEquals("blocked\n", sim.run("kmalloc 1 4096 +1"));
        sim.run("echo 1 > /tasks", "rmdir /p/g");
        return sim;
    }

    private static final String[] FREE_ALL = {"kmalloc 1 4096 -5", "exit 1", "tick 60s"};

    @Test
    void underTheV2CodeTheRetryChargesTheRemovedGroupAndRmdirsRerunUnaccountsIt() {
        Sim sim = asleepInARemovedGroup("");
        assertEquals(ANON, sim.num("/p/memory.usage_in_bytes"), "charged, then unaccounted as rmdir unaccounts");
        assertEquals(5 * PAGE, sim.num("/p/memory.kmem.usage_in_bytes"), "the v2 code leaves kmem on the parent");
        sim.run(FREE_ALL);
        assertEquals(ANON, sim.num("/p/memory.usage_in_bytes"));
        assertEquals(5 * PAGE, sim.num("/p/memory.kmem.usage_in_bytes"), "dead caches' pages uncharge nobody");
        assertEquals(0, sim.kernel().image().pinnedKmemBytes());
        assertEquals(List.of(), sim.kernel().image().dyingCgroups());
    }

    @Test
    void withKmemRmdirUnchargingTheParentNothingIsLeftAnywhere() {
        Sim sim = asleepInARemovedGroup("kmem-intended");
        assertEquals(ANON, sim.num("/p/memory.usage_in_bytes"));
        assertEquals(0, sim.num("/p/memory.kmem.usage_in_bytes"));
        sim.run(FREE_ALL);
        assertEquals(ANON, sim.num("/p/memory.usage_in_bytes"));
        assertEquals(0, sim.num("/p/memory.kmem.usage_in_bytes"));
    }

    @Test
    void withKmemPinsMemcgTheRetryChargesTheDyingGroupWhichItsFreedPagesUncharge() {
        Sim sim = asleepInARemovedGroup("kmem-pins-memcg");
        assertEquals(ANON + 4 * PAGE, sim.num("/p/memory.usage_in_bytes"));
        assertEquals("/p/g slab", dyingGroup(sim), "its slab pages and its sleeping charge hold it");
        assertEquals("blocked\n", sim.run("kmalloc 1 4096 -5"), "the dying group is at its 16K limit: asleep again");
        sim.run("exit 1", "tick 60s");
        assertEquals(ANON, sim.num("/p/memory.usage_in_bytes"), "no drift below the real usage");
        assertEquals(0, sim.num("/p/memory.kmem.usage_in_bytes"));
        assertEquals(List.of(), sim.kernel().image().dyingCgroups());
    }

    @Test
    void withKmemReparentTheRetryChargesTheHeirWhichItsFreedPagesUncharge() {
        Sim sim = asleepInARemovedGroup("kmem-reparent");
        assertEquals(ANON + 5 * PAGE, sim.num("/p/memory.usage_in_bytes"), "the group's four pages and the retried one");
        assertEquals(5 * PAGE, sim.num("/p/memory.kmem.usage_in_bytes"));
        sim.run(FREE_ALL);
        assertEquals(ANON, sim.num("/p/memory.usage_in_bytes"), "no drift below the real usage");
        assertEquals(0, sim.num("/p/memory.kmem.usage_in_bytes"));
        assertEquals(0, sim.kernel().image().pinnedKmemBytes());
    }

    @Test
    void aTaskAsleepForADyingGroupCheckpointsWithThatGroup() {
        Sim sim = asleepInARemovedGroup("kmem-pins-memcg");
        byte[] saved = sim.kernel().checkpoint();
        Sim restored = Sim.of(Kernel.restore(saved));
        assertArrayEquals(saved, restored.kernel().checkpoint());
        String[] rest = {"kmalloc 1 4096 -5", "cat /p/memory.usage_in_bytes", "exit 1", "tick 60s",
            "cat /p/memory.usage_in_bytes", "cat /p/memory.kmem.usage_in_bytes"};
        assertEquals(sim.run(rest), restored.run(rest));
        assertArrayEquals(sim.kernel().checkpoint(), restored.kernel().checkpoint());
    }

    private static String dyingGroup(Sim sim) {
        return sim.kernel().image().dyingCgroups().stream().map(d -> d.path() + " " + d.pinnedBy())
                .reduce((a, b) -> a + "; " + b).orElse("");
    }
}
