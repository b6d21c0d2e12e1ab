package io.memfleet.kernel.slab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.testing.Sim;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The kmem v2 series on SLAB, patch by patch (kernel-semantics.md 1.13, 2.2, 2.3, 3.6). */
class KmemAccountingTest {
    private static Sim webWithTask() {
        Sim s = Sim.boot("node cpus=1 mem=1G");
        s.run("mkdir /web", "spawn 1 /web");
        return s;
    }

    @Test
    void theFirstAllocationInANewCgroupIsNotChargedAndQueuesTheCache() {
        Sim s = webWithTask();
        s.run("dentry 1 +1");
        assertEquals(0, s.num("/web/memory.kmem.usage_in_bytes"));
        assertFalse(s.run("cat /proc/slabinfo").contains("dentry(2:web)"), "created on the workqueue, not inline");
        s.run("tick 1ms");
        assertTrue(s.run("cat /proc/slabinfo").contains("dentry(2:web)"));
    }

    @Test
    void aTaskAsleepForAnOffSlabDescriptorKeepsTheSlabsPagesChargedAcrossACheckpointAndExit() {
        Sim s = webWithTask();
        s.run("kmalloc 1 1024 +1", "tick 1ms", "echo 4K > /web/memory.limit_in_bytes", "echo 1 > /web/memory.oom_control");
        assertEquals("blocked\n", s.run("kmalloc 1 1024 +1"), "the descriptor's size-64(2:web) slab finds no room");
        assertEquals(4096, s.num("/web/memory.kmem.usage_in_bytes"), "the size-1024 slab's page waits, charged");
        byte[] saved = s.kernel().checkpoint();
        Sim restored = Sim.of(Kernel.restore(saved));
        String[] wake = {"echo 8K > /web/memory.limit_in_bytes", "cat /web/memory.failcnt", "cat /proc/slabinfo",
            "exit 1", "rmdir /web", "tick 30s", "cat /proc/slabinfo"};
        assertEquals(s.run(wake), restored.run(wake));
        assertArrayEquals(s.kernel().checkpoint(), restored.kernel().checkpoint());
        Sim killed = Sim.of(Kernel.restore(saved));
        killed.run("kill 1", "tick 1ms");
        assertEquals(0, killed.num("/web/memory.kmem.usage_in_bytes"), "exit frees the pages held for the descriptor");
        assertEquals(0, killed.num("/web/memory.usage_in_bytes"));
    }

    @Test
    void fortyDentriesInAFreshCgroupCacheOccupyExactlyTwoSlabs() {
        Sim s = webWithTask();
        s.run("dentry 1 +1", "tick 1ms", "dentry 1 +40");
        assertEquals(8192, s.num("/web/memory.kmem.usage_in_bytes"));
        assertEquals(131072, s.num("/web/memory.usage_in_bytes"), "two slab pages through the 32-page stock");
    }

    @Test
    void anIndependentKmemLimitOfTwoSlabsFailsTheNextSlabAndLeavesUsageAtZero() {
        Sim s = webWithTask();
        s.run("echo 1 > /web/memory.kmem.independent_kmem_limit", "echo 8K > /web/memory.kmem.limit_in_bytes",
                "dentry 1 +1", "tick 1ms");
        assertEquals("", s.run("dentry 1 +40"));
        assertEquals("error: ENOMEM\n", s.run("dentry 1 +1"));
        assertEquals(8192, s.num("/web/memory.kmem.usage_in_bytes"));
        assertEquals(0, s.num("/web/memory.usage_in_bytes"));
        assertEquals(1, s.num("/web/memory.kmem.usage_in_bytes") / 8192);
    }

    @Test
    void kmallocFromInterruptContextIsNeverCharged() {
        Sim s = webWithTask();
        s.run("kmalloc 1 256 +1", "tick 1ms", "kmalloc irq 256 +500");
        assertEquals(0, s.num("/web/memory.kmem.usage_in_bytes"));
        s.run("kmalloc 1 256 +15");
        assertEquals(4096, s.num("/web/memory.kmem.usage_in_bytes"));
    }

    @Test
    void kmallocsServedBySize32AndSize128AreNeverChargedAndMakeNoPerCgroupCache() {
        Sim s = webWithTask();
        s.run("kmalloc 1 24 +1", "kmalloc 1 100 +1", "tick 1ms", "kmalloc 1 24 +500", "kmalloc 1 100 +500", "tick 1ms");
        assertEquals(0, s.num("/web/memory.kmem.usage_in_bytes"), "size-32 and size-128 are not SLAB_MEMCG_ACCT");
        assertEquals(0, s.num("/web/memory.usage_in_bytes"));
        String slabinfo = s.run("cat /proc/slabinfo");
        assertFalse(slabinfo.contains("size-32(2:web)"), slabinfo);
        assertFalse(slabinfo.contains("size-128(2:web)"), slabinfo);
        assertEquals("# name            <active_objs> <num_objs> <objsize>\n", s.run("cat /web/memory.kmem.slabinfo"));
        s.run("kmalloc 1 64 +1", "tick 1ms", "kmalloc 1 64 +59");
        assertEquals(4096, s.num("/web/memory.kmem.usage_in_bytes"), "size-64 between them is accounted");
    }

    @Test
    void aDeadCacheDisappearsFromSlabinfoOnceItsObjectsAreFreedAndCacheReapHasRun() {
        Sim s = webWithTask();
        s.run("dentry 1 +1", "kmalloc 1 512 +1", "tick 1ms", "dentry 1 +60", "kmalloc 1 512 +20", "exit 1",
                "rmdir /web");
        String slabinfo = s.run("cat /proc/slabinfo");
        assertTrue(slabinfo.contains("dentry(2:web)dead"), slabinfo);
        assertTrue(slabinfo.contains("size-512(2:web)dead"), "kmalloc objects were freed at exit but stay in arrays");
        s.run("tick 60s");
        slabinfo = s.run("cat /proc/slabinfo");
        assertFalse(slabinfo.contains("size-512(2:web)dead"), slabinfo);
        assertTrue(slabinfo.contains("dentry(2:web)dead"), "unused dentries keep their slabs until they are dropped");
        s.run("echo 2 > /proc/sys/vm/drop_caches", "tick 60s");
        assertFalse(s.run("cat /proc/slabinfo").contains("dead"));
    }

    @Test
    void rmdirUnaccountsKmemFromTheGroupButTheV2CodeLeavesItOnAHierarchicalParent() {
        for (KernelConfig cfg : new KernelConfig[] {KernelConfig.DEFAULT, KernelConfig.INTENDED}) {
            Sim s = Sim.boot("node cpus=1 mem=1G", cfg);
            s.run("mkdir /p", "echo 1 > /p/memory.use_hierarchy", "mkdir /p/c", "spawn 1 /p/c", "dentry 1 +1", "tick 1ms",
                    "dentry 1 +40", "exit 1", "rmdir /p/c");
            assertEquals(0, s.num("/p/memory.usage_in_bytes") - s.stat("/p/memory.stat", "total_rss"));
            long parentKmem = s.num("/p/memory.kmem.usage_in_bytes");
            assertEquals(cfg == KernelConfig.DEFAULT ? 8192 : 0, parentKmem, cfg.toString());
        }
    }

    @Test
    void aKmemChargeRefusedByAnIndependentParentLeaksTheResChargeUnlessRolledBack() {
        for (KernelConfig cfg : new KernelConfig[] {KernelConfig.DEFAULT, KernelConfig.INTENDED}) {
            Sim s = Sim.boot("node cpus=1 mem=1G", cfg);
            s.run("mkdir /p", "echo 1 > /p/memory.use_hierarchy", "echo 1 > /p/memory.kmem.independent_kmem_limit",
                    "echo 4K > /p/memory.kmem.limit_in_bytes", "mkdir /p/c", "spawn 1 /p/c", "dentry 1 +1", "tick 1ms",
                    "dentry 1 +20");
            assertEquals("error: ENOMEM\n", s.run("dentry 1 +1"));
            s.run("exit 1", "echo 1 > /p/c/memory.force_empty"); // drains the stock; kmem stays charged
            long leaked = s.num("/p/c/memory.usage_in_bytes") - s.num("/p/c/memory.kmem.usage_in_bytes");
            assertEquals(cfg == KernelConfig.DEFAULT ? 4096 : 0, leaked, cfg + ": one refused slab page");
        }
    }

    @Test
    void bypassedChargesOfADyingTaskAreForcedOverTheLimit() {
        Sim s = webWithTask();
        s.run("kmalloc 1 4096 +1", "tick 1ms", "echo 8K > /web/memory.limit_in_bytes", "kill 1");
        assertEquals("", s.run("kmalloc 1 4096 +10"));
        assertTrue(s.num("/web/memory.usage_in_bytes") > 8192);
        assertTrue(s.num("/web/memory.failcnt") > 0);
    }

    @Test
    void withTheSeriesCompiledOutNothingIsChargedToKmem() {
        Sim s = Sim.boot("node cpus=1 mem=1G", KernelConfig.NO_KMEM_ACCOUNTING);
        s.run("mkdir /web", "spawn 1 /web", "dentry 1 +1", "tick 1ms", "dentry 1 +100", "kmalloc 1 64 +100");
        assertEquals(0, s.num("/web/memory.kmem.usage_in_bytes"));
        assertFalse(s.run("cat /proc/slabinfo").contains("(2:web)"));
    }

    @Test
    void tunablesWrittenForARootCachePropagateToItsCgroupChildren() {
        Sim s = webWithTask();
        s.run("dentry 1 +1", "tick 1ms");
        SlabLayer slab = s.kernel().internals().slab();
        slab.setTunables(slab.dentryCache(), 60, 30, 0);
        KmemCache child = slab.caches().stream().filter(c -> c.name().equals("dentry(2:web)")).findFirst().orElseThrow();
        assertEquals(60, child.limit());
        assertEquals(30, child.batchcount());
    }

    @Test
    void destroyingARootCacheDestroysItsCgroupChildrenOnceTheyAreEmpty() {
        Sim s = webWithTask();
        s.run("dentry 1 +1", "tick 1ms", "dentry 1 +30");
        SlabLayer slab = s.kernel().internals().slab();
        assertFalse(slab.destroyCache(slab.dentryCache()), "objects are still in use");
        s.run("exit 1", "echo 2 > /proc/sys/vm/drop_caches");
        assertTrue(slab.destroyCache(slab.dentryCache()));
        assertTrue(slab.caches().stream().noneMatch(c -> c.name().startsWith("dentry")), slab.caches().toString());
    }

    @Test
    void slabinfoMatchesTheGoldenFileForAFixedSeedAndScript() throws Exception {
        Sim s = Sim.boot("node cpus=2 mem=2G swap=256M seed=7");
        s.run("mkdir /web", "mkdir /batch", "echo 1 > /batch/memory.kmem.independent_kmem_limit",
                "echo 64K > /batch/memory.kmem.limit_in_bytes", "spawn 1 /web", "spawn 2 /web cpu=1", "spawn 3 /batch",
                "dentry 1 +1", "kmalloc 2 256 +1", "kmalloc 3 2048 +1", "tick 10ms", "dentry 1 +150", "dentry 2 +75",
                "kmalloc 2 256 +300", "kmalloc 3 2048 +200", "kmalloc irq 64 +90", "dentry 1 -100", "kmalloc 2 256 -250",
                "tick 5s", "exit 3", "rmdir /batch", "tick 3s");
        String golden = Files.readString(Path.of("src/test/resources/golden/slabinfo-seed7.txt"), StandardCharsets.UTF_8);
        assertEquals(golden, s.run("cat /proc/slabinfo"));
    }
}
