package io.memfleet.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.image.NodeImage;
import io.memfleet.kernel.testing.CpuTime;
import io.memfleet.kernel.testing.Sim;
import org.junit.jupiter.api.Test;

/**
 * css ids are 16-bit in 3.3: get_new_cssid() hands out 1 to 65,535 (CSS_ID_MAX), the lowest free
 * first, and mkdir fails with ENOSPC when none is free; a dying group holds its id until it is freed.
 */
class CssIdCeilingTest {
    @Test
    void mkdirFailsWithEnospcOnceEveryCssIdIsHeldDyingGroupsIncluded() {
        Sim sim = Sim.boot("node mem=256M swap=256M");
        sim.run("mkdir /a", "echo 4M > /a/memory.limit_in_bytes", "spawn 1 /a", "anon 1 +8M", "echo 1 > /tasks",
                "rmdir /a");
        Kernel k = sim.kernel();
        long start = CpuTime.threadNs();
        for (int i = 3; i <= 65_535; i++) {
            assertEquals(Errno.OK, k.apply(new Command.Mkdir("/g" + i)).errno(), "mkdir of id " + i);
        }
        assertEquals("error: ENOSPC\n", sim.run("mkdir /one-more"));
        long cpuMs = (CpuTime.threadNs() - start) / 1_000_000;
        assertTrue(cpuMs < 3_000, "65,533 mkdirs took " + cpuMs + " ms of CPU");
        NodeImage img = k.image();
        assertEquals(65_535, img.cssIdsInUse(), "the root, 65,533 live groups and the dying /a");
        assertEquals(1, img.mkdirEnospc());
        assertEquals(65_534, img.cgroups().size());
        sim.run("rmdir /g100");
        assertEquals("", sim.run("mkdir /x"), "a group freed at rmdir gives its id back at once");
        assertEquals(100, k.image().cgroup("/x").id());
        assertEquals("error: ENOSPC\n", sim.run("mkdir /y"));
        sim.run("anon 1 -8M");
        assertEquals("", sim.run("mkdir /y"), "the dying group's id comes back when its last swap entry goes");
        assertEquals(2, k.image().cgroup("/y").id());
        assertEquals(2, k.image().mkdirEnospc());
    }

    @Test
    void removingEveryGroupNewestFirstStaysFast() {
        Kernel k = Kernel.boot();
        for (int i = 2; i <= 65_535; i++) {
            k.apply(new Command.Mkdir("/g" + i));
        }
        long start = CpuTime.threadNs();
        for (int i = 65_535; i >= 2; i--) {
            assertEquals(Errno.OK, k.apply(new Command.Rmdir("/g" + i)).errno(), "rmdir of id " + i);
        }
        long cpuMs = (CpuTime.threadNs() - start) / 1_000_000;
        assertTrue(cpuMs < 3_000, "65,534 rmdirs took " + cpuMs + " ms of CPU");
        assertEquals(1, k.image().cssIdsInUse());
        assertEquals(1, k.image().cgroups().size());
    }
}
