package io.memfleet.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.image.DyingCgroupImage;
import io.memfleet.kernel.image.NodeImage;
import io.memfleet.kernel.script.ScriptParser;
import io.memfleet.kernel.testing.Sim;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Groups that rmdir removed while something still referenced them (issue 22): off the hierarchy
 * and out of cgroupfs, holding their css id and what is charged to them until the last reference
 * goes. In 3.3 that is swap entries (and a dying use_hierarchy child's hold on its parent); with
 * the later kernels' kmem-pins-memcg option, slab pages too.
 */
class DyingCgroupTest {
    private static final long MB = 1L << 20;
    private static final long PAGE = 4096;

    /** /a at 4M with 8M of anonymous memory (4M of it in swap, charged to /a), its task moved to the root. */
    private static Sim swappedGroup() {
        Sim sim = Sim.boot("node mem=256M swap=256M");
        sim.run("mkdir /a", "echo 4M > /a/memory.limit_in_bytes", "spawn 1 /a", "anon 1 +8M", "echo 1 > /tasks");
        return sim;
    }

    private static List<DyingCgroupImage> dying(Sim sim) {
        return sim.kernel().image().dyingCgroups();
    }

    @Test
    void aGroupWhoseSwapEntriesOutliveItStaysDyingWithItsCssId() {
        Sim sim = swappedGroup();
        assertEquals("", sim.run("rmdir /a"));
        NodeImage img = sim.kernel().image();
        assertNull(img.cgroup("/a"));
        assertEquals(List.of(new DyingCgroupImage(2, "/a", 0, 0, 4 * MB, 4 * MB, "swap")), img.dyingCgroups());
        assertEquals(2, img.cssIdsInUse());
        assertEquals("error: ENOENT\n", sim.run("cat /a/memory.usage_in_bytes"));
        assertEquals(4 * MB, sim.num("/memory.usage_in_bytes"), "the resident 4M moved to the root");
        assertEquals(4 * MB, sim.num("/memory.memsw.usage_in_bytes"), "the root's walk skips the dying group's swap");
        sim.run("mkdir /b");
        assertEquals(3, sim.kernel().image().cgroup("/b").id(), "the dying group's id is not handed out");
    }

    @Test
    void freeingTheLastSwapEntryFreesTheGroupAndItsId() {
        Sim sim = swappedGroup();
        sim.run("rmdir /a", "anon 1 -6M");
        assertEquals(2 * MB, dying(sim).get(0).swapBytes(), "newest first: 4M resident, then 2M of swap");
        assertEquals(2 * MB, dying(sim).get(0).memswBytes());
        sim.run("anon 1 -2M");
        assertEquals(List.of(), dying(sim));
        assertEquals(1, sim.kernel().image().cssIdsInUse());
        sim.run("mkdir /b");
        assertEquals(2, sim.kernel().image().cgroup("/b").id(), "the freed id is the lowest free one again");
    }

    @Test
    void theOwnersExitFreesTheDyingGroup() {
        Sim sim = swappedGroup();
        sim.run("rmdir /a", "exit 1");
        assertEquals(List.of(), dying(sim));
        assertEquals(1, sim.kernel().image().cssIdsInUse());
    }

    @Test
    void aTaskMovedWithItsChargesLeavesNothingToHoldTheGroup() {
        Sim sim = Sim.boot("node mem=256M swap=256M");
        sim.run("mkdir /a", "echo 4M > /a/memory.limit_in_bytes", "spawn 1 /a", "anon 1 +8M", "mkdir /b",
                "echo 1 > /b/memory.move_charge_at_immigrate", "echo 1 > /b/tasks", "rmdir /a");
        assertEquals(List.of(), dying(sim), "move_charge_at_immigrate took the swap entries to /b");
        assertEquals(4 * MB, sim.stat("/b/memory.stat", "swap"));
    }

    @Test
    void swapoffChargesADyingGroupsPagesToTheirOwnersGroupAndFreesIt() {
        Sim sim = swappedGroup();
        sim.run("rmdir /a", "mkdir /b", "echo 1 > /b/tasks", "swapoff");
        assertEquals(List.of(), dying(sim));
        assertEquals(4 * MB, sim.num("/b/memory.usage_in_bytes"), "css_tryget fails on /a: charge_cur_mm");
        assertEquals(4 * MB, sim.num("/b/memory.memsw.usage_in_bytes"));
    }

    @Test
    void aDyingHierarchicalChildHoldsItsRemovedParent() {
        Sim sim = Sim.boot("node mem=256M swap=256M");
        sim.run("mkdir /p", "echo 1 > /p/memory.use_hierarchy", "mkdir /p/c", "echo 4M > /p/c/memory.limit_in_bytes",
                "spawn 1 /p/c", "anon 1 +8M", "echo 1 > /tasks", "rmdir /p/c");
        assertEquals(4 * MB, sim.num("/p/memory.usage_in_bytes"), "the child's resident pages moved to /p");
        assertEquals(8 * MB, sim.num("/p/memory.memsw.usage_in_bytes"), "and the child's swap is in /p's memsw by the chain");
        assertEquals(0, sim.stat("/p/memory.stat", "total_swap"), "the walk skips the dying child");
        sim.run("rmdir /p");
        assertEquals(List.of(new DyingCgroupImage(3, "/p/c", 0, 0, 4 * MB, 4 * MB, "swap"),
                new DyingCgroupImage(2, "/p", 0, 0, 4 * MB, 0, "child")), dying(sim));
        assertEquals(3, sim.kernel().image().cssIdsInUse());
        sim.run("anon 1 -8M");
        assertEquals(List.of(), dying(sim), "freeing the child drops its hold on the parent");
        assertEquals(1, sim.kernel().image().cssIdsInUse());
    }

    /** /p (use_hierarchy) with /p/a, whose task allocates 201 kmalloc-128 objects in its own cache, then leaves. */
    private static Sim slabGroup(String options) {
        Sim sim = Sim.boot("node mem=256M swap=256M", KernelConfig.parse(options));
        sim.run("mkdir /p", "echo 1 > /p/memory.use_hierarchy", "mkdir /p/a", "spawn 1 /p/a", "kmalloc 1 128 +1",
                "tick 1s", "kmalloc 1 128 +200", "echo 1 > /tasks");
        return sim;
    }

    private static final long SLAB_BYTES = 7 * PAGE; // 200 objects of size-128 (30 a page) in size-128(3:a)

    /** The objects freed, then the slabs reaped until none is left. */
    private static void freeAndReap(Sim sim) {
        sim.run("kmalloc 1 128 -201", "tick 600s");
    }

    @Test
    void withTheV2CodeRmdirUnaccountsKmemAndFreesTheGroupAtOnce() {
        Sim sim = slabGroup("");
        sim.run("rmdir /p/a");
        NodeImage img = sim.kernel().image();
        assertEquals(List.of(), img.dyingCgroups());
        assertEquals(SLAB_BYTES, img.pinnedKmemBytes(), "the dead cache's pages, accounted to nobody");
        assertEquals(0, sim.num("/p/memory.usage_in_bytes"));
        freeAndReap(sim);
        assertEquals(0, sim.kernel().image().pinnedKmemBytes());
    }

    @Test
    void slabPagesHoldTheirGroupUntilTheLastIsFreedWithKmemPinsMemcg() {
        Sim sim = slabGroup("kmem-pins-memcg");
        sim.run("rmdir /p/a");
        NodeImage img = sim.kernel().image();
        assertEquals(List.of(new DyingCgroupImage(3, "/p/a", SLAB_BYTES, SLAB_BYTES, SLAB_BYTES, 0, "slab")),
                img.dyingCgroups());
        assertEquals(SLAB_BYTES, img.pinnedKmemBytes());
        assertEquals(SLAB_BYTES, sim.num("/p/memory.usage_in_bytes"), "still charged, up the hierarchy");
        assertEquals(SLAB_BYTES, sim.num("/p/memory.kmem.usage_in_bytes"));
        freeAndReap(sim);
        img = sim.kernel().image();
        assertEquals(List.of(), img.dyingCgroups());
        assertEquals(2, img.cssIdsInUse());
        assertEquals(0, sim.num("/p/memory.usage_in_bytes"), "each freed slab page uncharged the dying group");
        assertEquals(0, sim.num("/p/memory.kmem.usage_in_bytes"));
    }

    @Test
    void kmemReparentMovesTheChargeToTheParentAndFreesTheGroupAtOnce() {
        Sim sim = slabGroup("kmem-reparent");
        sim.run("rmdir /p/a");
        NodeImage img = sim.kernel().image();
        assertEquals(List.of(), img.dyingCgroups());
        assertEquals(2, img.cssIdsInUse());
        assertEquals(SLAB_BYTES, img.pinnedKmemBytes(), "the dead cache's pages, now charged to /p");
        assertEquals(SLAB_BYTES, sim.num("/p/memory.kmem.usage_in_bytes"));
        assertEquals(SLAB_BYTES, sim.num("/p/memory.usage_in_bytes"));
        freeAndReap(sim);
        assertEquals(0, sim.num("/p/memory.kmem.usage_in_bytes"), "later frees uncharge the parent");
        assertEquals(0, sim.num("/p/memory.usage_in_bytes"));
    }

    @Test
    void kmemReparentChargesAParentWhoseCountersAreNotChained() {
        Sim sim = Sim.boot("node mem=256M", KernelConfig.parse("kmem-reparent"));
        sim.run("mkdir /p", "mkdir /p/a", "spawn 1 /p/a", "kmalloc 1 128 +1", "tick 1s", "kmalloc 1 128 +200",
                "echo 1 > /tasks", "rmdir /p/a");
        assertEquals(SLAB_BYTES, sim.num("/p/memory.kmem.usage_in_bytes"));
        assertEquals(SLAB_BYTES, sim.num("/p/memory.usage_in_bytes"));
        sim.run("rmdir /p");
        assertEquals(0, sim.kernel().image().pinnedKmemBytes() - SLAB_BYTES, "a child of the root hands it to nobody");
        freeAndReap(sim);
        assertEquals(0, sim.kernel().image().pinnedKmemBytes());
    }

    @Test
    void aMappedFileRunOutlivingItsRemovedGroupCheckpoints() {
        Sim sim = Sim.boot("node mem=256M swap=256M");
        sim.run("mkdir /a", "spawn 1 /a", "mmap 1 +128M", "echo 1 > /tasks", "rmdir /a");
        byte[] saved = sim.kernel().checkpoint();
        Kernel restored = Kernel.restore(saved);
        assertArrayEquals(saved, restored.checkpoint());
        assertEquals(sim.kernel().image(), restored.image());
    }

    @Test
    void checkpointsRestoreDyingGroupsExactlyUnderEachKmemLifetime() {
        String[] setup = {"mkdir /p", "echo 1 > /p/memory.use_hierarchy", "mkdir /p/c", "mkdir /q", "mkdir /q/o",
            "echo 4M > /p/c/memory.limit_in_bytes", "echo 4M > /q/o/memory.limit_in_bytes", "spawn 1 /p/c",
            "spawn 2 /q/o", "anon 1 +8M", "anon 2 +8M", "shm 2 +2M", "kmalloc 1 128 +1", "tick 1s",
            "kmalloc 1 128 +200", "echo 1 > /tasks", "echo 2 > /tasks", "rmdir /p/c", "rmdir /p", "rmdir /q/o",
            "rmdir /q", "mkdir /r"};
        String[] after = {"anon 1 -6M", "kmalloc 1 128 -150", "tick 30s", "mkdir /s", "anon 2 -12M", "shm 2 -2M",
            "swapoff", "anon 1 -4M", "kmalloc 1 128 -51", "tick 600s", "mkdir /t", "cat /proc/slabinfo"};
        for (String options : new String[] {"", "kmem-pins-memcg", "kmem-reparent", "kmem-intended"}) {
            Sim sim = Sim.boot("node mem=256M swap=256M", KernelConfig.parse(options));
            sim.run(setup);
            assertTrue(!dying(sim).isEmpty(), options);
            Kernel restored = Kernel.restore(sim.kernel().checkpoint());
            assertEquals(sim.kernel().image(), restored.image(), options);
            for (String line : after) {
                Command c = ScriptParser.parse(line, 1, false);
                assertEquals(sim.kernel().apply(c), restored.apply(c), options + ": " + line);
                assertEquals(sim.kernel().image(), restored.image(), options + ": " + line);
            }
            assertArrayEquals(sim.kernel().checkpoint(), restored.checkpoint(), options);
            assertEquals(sim.kernel().image(), Kernel.restore(restored.checkpoint()).image(), options + ": at the end");
        }
    }
}
