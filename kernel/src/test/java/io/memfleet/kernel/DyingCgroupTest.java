package io.memfleet.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.image.DyingCgroupImage;
import io.memfleet.kernel.image.NodeImage;
import io.memfleet.kernel.testing.Sim;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Groups that rmdir removed while something still referenced them (issue 22): dying until freed. */
class DyingCgroupTest {
    private static final long MB = 1L << 20;

    /** /a at 4M with 8M of anonymous memory: 4M of it in swap, charged to /a. */
    private static Sim swappedGroup() {
        Sim sim = Sim.boot("node mem=256M swap=256M");
        sim.run("mkdir /a", "echo 4M > /a/memory.limit_in_bytes", "spawn 1 /a", "anon 1 +8M", "echo 1 > /tasks");
        return sim;
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
        sim.run("mkdir /b");
        assertEquals(3, sim.kernel().image().cgroup("/b").id(), "the dying group's id is not handed out");
    }

    @Test
    void freeingTheLastSwapEntryFreesTheGroupAndItsId() {
        Sim sim = swappedGroup();
        sim.run("rmdir /a", "anon 1 -6M");
        assertEquals(2 * MB, sim.kernel().image().dyingCgroups().get(0).swapBytes(), "newest first: 4M resident, 2M swap");
        sim.run("anon 1 -2M");
        NodeImage img = sim.kernel().image();
        assertEquals(List.of(), img.dyingCgroups());
        assertEquals(1, img.cssIdsInUse());
        sim.run("mkdir /b");
        assertEquals(2, sim.kernel().image().cgroup("/b").id(), "the freed id is the lowest free one again");
    }

    @Test
    void aMappedFileRunOutlivingItsRemovedGroupCheckpoints() {
        Sim sim = Sim.boot("node mem=256M swap=256M");
        sim.run("mkdir /a", "spawn 1 /a", "mmap 1 +128M", "echo 1 > /tasks", "rmdir /a");
        byte[] saved = sim.kernel().checkpoint();
        Kernel restored = Kernel.restore(saved);
        assertArrayEquals(saved, restored.checkpoint());
        assertTrue(restored.image().dyingCgroups().isEmpty());
    }
}
