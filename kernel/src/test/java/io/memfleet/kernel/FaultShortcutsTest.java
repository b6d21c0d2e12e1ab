package io.memfleet.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.fs.ControlFiles;
import io.memfleet.kernel.script.ScriptParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fault loop's shortcuts end exactly where faulting page by page and turn by turn ends: a run
 * of exact charges taken in one turn, a long page-cache stream through a full node or group that
 * skips the periods in which its loop repeats itself, and swap-out scans that start at each LRU's
 * cursor (the reference walks every LRU from its old end). Every result, the node's files, its
 * telemetry and its checkpoint byte for byte are compared, on seeded small nodes with limits, soft
 * limits, hierarchies, thresholds, swap and other tasks' memory. Rerun one seed with
 * -Dmemfleet.seed=N; -Dmemfleet.runs=N runs more.
 */
class FaultShortcutsTest {
    private static final int RUNS = Integer.getInteger("memfleet.runs", 40);
    private static final String[] NEAR_LIMITS = {"echo 256K > /b/memory.limit_in_bytes", "echo 4K > /d/memory.limit_in_bytes",
        "echo 1M > /a/memory.limit_in_bytes", "echo 128K > /a/memory.soft_limit_in_bytes",
        "watch /a/c/memory.usage_in_bytes 96K", "watch /a/memory.usage_in_bytes 1000K",
        "watch /b/memory.usage_in_bytes 248K", "watch /b/memory.memsw.usage_in_bytes 252K",
        "watch /memory.usage_in_bytes 64K", "echo 0 > /b/memory.swappiness"};

    private static Kernel boot(Command.Node shape, boolean shortcuts) {
        Kernel k = Kernel.boot(shape, KernelConfig.DEFAULT);
        k.setFaultShortcuts(shortcuts);
        return k;
    }

    /** Random commands, a tenth of them setting limits and thresholds near them, and streams of {@code nodeKb} times 8 to 4000. */
    private static List<Command> workload(SplittableRandom rnd, long nodeKb, int steps, boolean streams) {
        List<String> lines = new ArrayList<>(List.of("mkdir /a", "echo 1 > /a/memory.use_hierarchy", "mkdir /a/c",
                "mkdir /b", "mkdir /d"));
        for (int i = 0; i < steps; i++) {
            if (streams && rnd.nextInt(5) == 0) {
                lines.add((rnd.nextBoolean() ? "file " : "mmap ") + (1 + rnd.nextInt(8)) + " +"
                        + nodeKb * (8 + rnd.nextInt(1 << (4 + rnd.nextInt(9)))) + "K");
            } else if (rnd.nextInt(10) == 0) {
                lines.add(NEAR_LIMITS[rnd.nextInt(NEAR_LIMITS.length)]);
            } else {
                lines.addAll(Arrays.asList(KernelPropertiesTest.randomCommand(rnd, false).split("\n")));
            }
        }
        List<Command> out = new ArrayList<>();
        for (String l : lines) {
            out.add(ScriptParser.parse(l, 1, false));
        }
        return out;
    }

    /** Applies the commands to a node with the shortcuts and one without; returns the turns of each, without first. */
    private static long[] sameAsPageByPage(Command.Node shape, List<Command> cmds, String where) {
        Kernel fast = boot(shape, true);
        Kernel slow = boot(shape, false);
        for (int i = 0; i < cmds.size(); i++) {
            assertEquals(slow.apply(cmds.get(i)), fast.apply(cmds.get(i)), where + ", command " + i + " '"
                    + cmds.get(i) + "'");
        }
        assertEquals(ControlFiles.dump(slow.image()), ControlFiles.dump(fast.image()), where + ": files");
        assertEquals(slow.drainEvents(), fast.drainEvents(), where + ": telemetry events");
        assertArrayEquals(slow.checkpoint(), fast.checkpoint(), where + ": checkpoints");
        return new long[] {slow.faultTurns(), fast.faultTurns()};
    }

    @Test
    void runsOfExactChargesEndWhereChargesPageByPageEnd() {
        Long one = Long.getLong("memfleet.seed");
        long first = one != null ? one : 1;
        long saved = 0;
        for (long seed = first; seed < first + (one != null ? 1 : 3 * RUNS); seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Command.Node shape = new Command.Node(1 + rnd.nextInt(2), (rnd.nextBoolean() ? 32L : 4L) << 20,
                    rnd.nextBoolean() ? 8L << 20 : 0, seed, 100);
            long[] turns = sameAsPageByPage(shape, workload(rnd, 0, 300, false), "seed=" + seed
                    + " (repro: -Dmemfleet.seed=" + seed + ")");
            saved += turns[0] - turns[1];
        }
        assertTrue(one != null || saved > 50_000, "runs of exact charges were taken in one turn: " + saved + " turns saved");
    }

    @Test
    void aSkippedStreamEndsWhereTheStreamTurnByTurnEnds() {
        Long one = Long.getLong("memfleet.seed");
        long first = one != null ? one : 1;
        long saved = 0;
        for (long seed = first; seed < first + (one != null ? 1 : RUNS); seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            long nodeKb = 256L << rnd.nextInt(2);
            Command.Node shape = new Command.Node(1 + rnd.nextInt(2), nodeKb << 10, rnd.nextBoolean() ? 256L << 10 : 0,
                    seed, 100);
            long[] turns = sameAsPageByPage(shape, workload(rnd, nodeKb, 160, true), "seed=" + seed
                    + " (repro: -Dmemfleet.seed=" + seed + ")");
            saved += turns[0] - turns[1];
        }
        assertTrue(one != null || saved > 400_000, "streams were skipped: " + saved + " turns saved");
    }

    /** Runs the script on both nodes; asserts equal output and state, and that the shortcuts took few turns. */
    private static void sameAsTurnByTurn(String node, String... script) {
        Command.Node shape = (Command.Node) ScriptParser.parse(node, 1, true);
        List<Command> cmds = new ArrayList<>();
        for (String line : script) {
            cmds.add(ScriptParser.parse(line, 1, false));
        }
        long[] turns = sameAsPageByPage(shape, cmds, node);
        assertTrue(turns[1] * 10 < turns[0], node + ": " + turns[1] + " turns with the shortcuts, " + turns[0] + " without");
    }

    @Test
    void aRunOfExactChargesStopsBeforeAPageWhoseBatchFits() {
        // a resumed fault's first page charged exactly, then room for a whole batch: the run ends there, so the
        // threshold check sees the counter as page-by-page charging leaves it (no event at 600K)
        List<Command> cmds = new ArrayList<>();
        for (String line : List.of("mkdir /a", "echo 1 > /a/memory.oom_control", "echo 516K > /a/memory.limit_in_bytes",
                "watch /a/memory.usage_in_bytes 600K", "spawn 1 /a", "anon 1 +1M", "echo 672K > /a/memory.limit_in_bytes",
                "cat /a/memory.usage_in_bytes")) {
            cmds.add(ScriptParser.parse(line, 1, false));
        }
        sameAsPageByPage((Command.Node) ScriptParser.parse("node cpus=1 mem=64M", 1, true), cmds, "a resumed fault");
    }

    @Test
    void aMappedStreamThroughTheWholeNodeRepeatsOnceItsRunsTurnOver() {
        sameAsTurnByTurn("node cpus=1 mem=2M", "spawn 1 /", "anon 1 +512K", "mmap 1 +512M", "cat /proc/vmstat",
                "cat /proc/1/oom_score", "mmap 1 -300M", "file 1 +300M", "cat /memory.stat");
    }

    @Test
    void aStreamThroughAOnePageGroupRepeatsEveryPage() {
        sameAsTurnByTurn("node cpus=2 mem=4M swap=1M", "mkdir /a", "echo 4K > /a/memory.limit_in_bytes",
                "spawn 1 /a cpu=1", "file 1 +256M", "mmap 1 +256M", "cat /a/memory.failcnt", "cat /a/memory.stat");
    }

    @Test
    void aThresholdCrossedEveryPeriodIsSignalledForEverySkippedPeriod() {
        sameAsTurnByTurn("node cpus=1 mem=8M", "mkdir /a", "echo 1M > /a/memory.limit_in_bytes",
                "watch /a/memory.usage_in_bytes 1000K", "watch /a/memory.memsw.usage_in_bytes 1020K", "spawn 1 /a",
                "file 1 +256M", "mmap 1 +2G", "cat /a/memory.usage_in_bytes");
    }

    @Test
    void softLimitsAndAHierarchyKeepTheirTreeInStepWithTheStream() {
        sameAsTurnByTurn("node cpus=2 mem=4M swap=2M", "mkdir /h", "echo 1 > /h/memory.use_hierarchy", "mkdir /h/c",
                "echo 1M > /h/memory.soft_limit_in_bytes", "echo 2M > /h/memory.limit_in_bytes",
                "echo 512K > /h/c/memory.soft_limit_in_bytes", "mkdir /o", "echo 256K > /o/memory.soft_limit_in_bytes",
                "spawn 2 /o", "anon 2 +768K", "file 2 +256K", "spawn 1 /h/c cpu=1", "mmap 1 +2G", "file 1 +1G",
                "cat /h/memory.stat");
    }
}
