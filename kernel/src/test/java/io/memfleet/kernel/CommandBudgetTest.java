package io.memfleet.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Outcome;
import io.memfleet.kernel.api.Result;
import io.memfleet.kernel.mm.PhysMem;
import io.memfleet.kernel.script.ScriptParser;
import io.memfleet.kernel.testing.CpuTime;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every command's cost is bounded before it runs: hostile sizes end in an errno or ENOMEM in time
 * bounded by the work there is, never in a hang or the host running out of memory; a long tick
 * on an idle node skips its reap firings and ends exactly where firing them one by one ends; a
 * fault, read or mapping of far more than the node holds costs in proportion to the node.
 */
class CommandBudgetTest {
    private static Command cmd(String line) {
        return ScriptParser.parse(line, 1, false);
    }

    private static Kernel node(int cpus, long mem, int hz) {
        return Kernel.boot(new Command.Node(cpus, mem, 0, 1, hz), KernelConfig.DEFAULT);
    }

    @Test
    void aLongTickOnAnIdleNodeEndsExactlyWhereOneSecondTicksEnd() {
        int[] cpuChoices = {1, 2, 3, 7, 64, 100, 301};
        int[] hzChoices = {100, 250, 300, 1000};
        for (long seed = 1; seed <= 24; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int cpus = cpuChoices[rnd.nextInt(cpuChoices.length)];
            int hz = hzChoices[rnd.nextInt(hzChoices.length)];
            List<Command> work = KernelCheckpointTest.workload(rnd, 120);
            Kernel once = Kernel.boot(new Command.Node(cpus, 64L << 20, 0, seed, hz), KernelConfig.DEFAULT);
            Kernel stepped = Kernel.boot(new Command.Node(cpus, 64L << 20, 0, seed, hz), KernelConfig.DEFAULT);
            for (Command c : work) {
                once.apply(c);
                stepped.apply(c);
            }
            // killed tasks exit and deferred work runs at a tick's edges: settle both first, so the ticks compared differ only in length
            once.apply(new Command.Tick(1_000_000L));
            stepped.apply(new Command.Tick(1_000_000L));
            long seconds = 30 + rnd.nextInt(600);
            long extraMs = rnd.nextInt(1000);
            once.apply(new Command.Tick(seconds * 1_000_000_000L + extraMs * 1_000_000L));
            for (long s = 0; s < seconds; s++) {
                once.apply(new Command.Print("")); // as many commands as the stepped node applies
            }
            for (long s = 0; s < seconds; s++) {
                stepped.apply(new Command.Tick(1_000_000_000L));
            }
            stepped.apply(new Command.Tick(extraMs * 1_000_000L));
            String where = "seed " + seed + " (cpus " + cpus + ", hz " + hz + ", tick " + seconds + "s " + extraMs + "ms)";
            assertArrayEquals(stepped.checkpoint(), once.checkpoint(), where + ": the same state");
            for (Command c : KernelCheckpointTest.workload(rnd, 40)) {
                assertEquals(stepped.apply(c), once.apply(c), where + ": then '" + c + "'");
            }
            assertArrayEquals(stepped.checkpoint(), once.checkpoint(), where + ": the same state after more work");
        }
    }

    @Test
    @Timeout(60)
    void theLongestTickOnA1024CpuNodeEndsAndTheEndOfTimeIsE2big() {
        Kernel k = node(1024, 1L << 30, 100);
        k.apply(cmd("mkdir /a"));
        k.apply(cmd("spawn 1 /a"));
        k.apply(cmd("dentry 1 +5000"));
        k.apply(cmd("exit 1"));
        for (int i = 0; i < 4; i++) {
            assertEquals(Result.OK, k.apply(new Command.Tick(Command.Tick.MAX_NS)), "tick " + i);
        }
        assertTrue(k.nowNs() > 4 * (Command.Tick.MAX_NS - 1));
        assertEquals(Errno.E2BIG, k.apply(new Command.Tick(Command.Tick.MAX_NS)).errno());
    }

    @Test
    @Timeout(60)
    void oneCommandMayNotFaultInOrReadMoreThan256GiBNorAllocateMoreThan16MObjects() {
        Kernel k = node(2, 1L << 50, 100);
        k.apply(cmd("spawn 1 /"));
        assertEquals(Errno.E2BIG, k.apply(cmd("file 1 +1048575G")).errno());
        assertEquals(Errno.E2BIG, k.apply(cmd("anon 1 +257G")).errno());
        assertEquals(Errno.E2BIG, k.apply(cmd("mlock 1 +300G")).errno());
        assertEquals(Errno.E2BIG, k.apply(cmd("dentry 1 +100000000000")).errno());
        assertEquals(Errno.E2BIG, k.apply(cmd("kmalloc irq 32 +100000000")).errno());
        assertEquals(Errno.OK, k.apply(cmd("anon 1 -1048575G")).errno(), "shrinking is bounded by what there is");
        Kernel small = node(1, 1L << 30, 100);
        small.apply(cmd("spawn 1 /"));
        assertEquals(Errno.OK, small.apply(cmd("file 1 +256G")).errno(), "256 GiB streams through 1 GiB of page cache");
    }

    /** The worst commands found on 64 MiB nodes (by hand and by the script fuzzer), each after its set-up. */
    private static final String[][] WORST_ON_64M = {
        {"node cpus=1 mem=64M", "spawn 1 /", "mmap 1 +255G", "file 1 +255G", "mlock 1 +255G", "spawn 2 /",
            "kmalloc 2 32 +16777216", "spawn 3 /", "dentry 3 +16777216", "kmalloc irq 32 +16777216"},
        {"node cpus=2 mem=64M swap=64M", "mkdir /a", "echo 1 > /a/memory.use_hierarchy", "mkdir /a/c",
            "echo 32M > /a/memory.limit_in_bytes", "echo 16M > /a/memory.soft_limit_in_bytes",
            "watch /a/memory.usage_in_bytes 30M", "watch /a/c/memory.usage_in_bytes 1020K", "spawn 1 /a/c cpu=1",
            "file 1 +255G", "mmap 1 +255G", "shm 1 +255G", "spawn 2 /a/c", "anon 2 +255G"},
        {"node cpus=1 mem=64M", "mkdir /p", "echo 4K > /p/memory.limit_in_bytes", "spawn 1 /p", "file 1 +255G",
            "mmap 1 +255G", "cat /p/memory.failcnt"},
        {"node cpus=1 mem=64M swap=1048575M", "spawn 1 /", "anon 1 +255G", "mkdir /a",
            "echo 16M > /a/memory.limit_in_bytes", "spawn 2 /a", "anon 2 +255G", "spawn 3 /a", "shm 3 +255G",
            "swapoff", "echo 1 > /a/memory.force_empty", "rmdir /a"},
    };

    @Test
    @Timeout(120)
    void streamsOfFarMoreThanA64MNodeHoldsCostInProportionToTheNode() {
        for (String[] script : WORST_ON_64M) {
            Command.Node shape = (Command.Node) ScriptParser.parse(script[0], 1, true);
            Kernel k = Kernel.boot(shape, KernelConfig.DEFAULT);
            long nodePages = shape.memBytes() >>> 12;
            for (String line : Arrays.copyOfRange(script, 1, script.length)) {
                long turns = k.faultTurns();
                long t0 = CpuTime.threadNs();
                Result r = k.apply(cmd(line));
                long ms = (CpuTime.threadNs() - t0) / 1_000_000;
                String where = script[0] + ": '" + line + "' (" + r.outcome() + ")";
                assertTrue(k.faultTurns() - turns <= 16 * nodePages, where + " took " + (k.faultTurns() - turns)
                        + " turns of the fault loop, more than 16 for each of the node's " + nodePages + " pages");
                assertTrue(ms < 10_000, where + " took " + ms + " ms of CPU");
                assertEquals(null, k.bug(), where);
            }
        }
    }

    @Test
    void aCommandWritesAtMost4GiBToSwapSoAStreamIntoAHugeSwapAreaEnds() {
        Kernel k = Kernel.boot((Command.Node) ScriptParser.parse("node cpus=1 mem=64M swap=1048575M", 1, true),
                KernelConfig.DEFAULT);
        k.apply(cmd("spawn 1 /"));
        assertEquals(Outcome.KILLED, k.apply(cmd("anon 1 +255G")).outcome(), "past 2^20 pages written, the OOM killer");
        assertEquals(0, k.internals().physMem().swapUsed(), "the killed task's swap entries went with it");
        k.apply(cmd("spawn 2 /"));
        assertEquals(Result.OK, k.apply(cmd("anon 2 +3G")));
        assertEquals(Result.OK, k.apply(cmd("anon 2 +3G")), "the budget is per command");
        assertTrue(k.internals().physMem().swapUsed() > PhysMem.MAX_SWAP_WRITES_PER_COMMAND);
    }

    @Test
    @Timeout(60)
    void aNodesSlabIsCappedSoHugeObjectCountsEndInEnomem() {
        Kernel k = node(2, 1L << 50, 100);
        k.apply(cmd("spawn 1 /"));
        Result r = k.apply(cmd("dentry 1 +6000000"));
        assertEquals(Errno.ENOMEM, r.errno(), "past 2^18 slabs cache_grow fails");
    }
}
