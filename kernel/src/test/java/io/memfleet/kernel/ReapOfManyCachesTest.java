package io.memfleet.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.fs.ControlFiles;
import io.memfleet.kernel.script.ScriptParser;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * cache_reap firings visit only the caches that are not quiet, and bring a quiet one up to date
 * when it is touched or saved: a node churning short-lived cgroups (each leaving dead caches)
 * through ticks of seconds to minutes ends exactly where visiting every cache at every firing
 * ends (results, files, telemetry events and checkpoints byte for byte), and its firings cost what
 * its caches in use cost, not what every cache it ever made costs.
 */
class ReapOfManyCachesTest {
    private static final int[] CPUS = {1, 2, 3, 4, 7};
    private static final int[] HZ = {100, 250, 300, 1000};

    /** Jobs in child cgroups with dentries and kmallocs, ticks of 10 ms to 3 min, tunables (and with {@code drops}, drop_caches) now and then. */
    private static List<Command> churn(SplittableRandom rnd, int jobs, int cpus, boolean drops) {
        List<String> lines = new ArrayList<>(List.of("mkdir /jobs", "echo 1 > /jobs/memory.use_hierarchy", "echo 512M > /jobs/memory.limit_in_bytes",
                "spawn 1 /", "dentry 1 +200"));
        for (int j = 0; j < jobs; j++) {
            int pid = 100 + j;
            lines.add("mkdir /jobs/job" + j);
            lines.add("spawn " + pid + " /jobs/job" + j + " cpu=" + rnd.nextInt(cpus));
            lines.add("dentry " + pid + " +1"); // queues the group's own caches, which the tick creates
            lines.add("tick " + (1 + rnd.nextInt(100)) + "ms");
            lines.add("dentry " + pid + " +" + (1 + rnd.nextInt(60)));
            lines.add("kmalloc " + pid + " " + (32 << rnd.nextInt(6)) + " +" + rnd.nextInt(30));
            if (rnd.nextInt(3) == 0) {
                lines.add("kmalloc " + pid + " 64 -" + rnd.nextInt(10));
                lines.add("dentry " + pid + " -" + rnd.nextInt(20));
            }
            lines.add("tick " + (rnd.nextInt(4) == 0 ? 10 + rnd.nextInt(990) + "ms" : 1 + rnd.nextInt(180) + "s"));
            lines.add("exit " + pid);
            lines.add("rmdir /jobs/job" + j);
            switch (rnd.nextInt(12)) {
                case 0 -> lines.add(drops ? "echo 2 > /proc/sys/vm/drop_caches" : "print");
                case 1 -> lines.add("echo \"dentry 60 30 4\" > /proc/slabinfo");
                case 2 -> lines.add("dentry 1 +" + rnd.nextInt(100));
                case 3 -> lines.add("dentry 1 -" + rnd.nextInt(100));
                default -> { }
            }
        }
        lines.add("tick 3600s");
        List<Command> out = new ArrayList<>();
        for (String l : lines) {
            out.add(ScriptParser.parse(l, 1, false));
        }
        return out;
    }

    @Test
    void aChurningNodeEndsWhereVisitingEveryCacheAtEveryFiringEnds() {
        for (long seed = 1; seed <= 12; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int cpus = CPUS[rnd.nextInt(CPUS.length)];
            Command.Node shape = new Command.Node(cpus, 256L << 20, 0, seed, HZ[rnd.nextInt(HZ.length)]);
            List<Command> cmds = churn(rnd, 60, cpus, true);
            Kernel lazy = Kernel.boot(shape, KernelConfig.DEFAULT);
            Kernel eager = Kernel.boot(shape, KernelConfig.DEFAULT);
            eager.setFaultShortcuts(false);
            String where = "seed " + seed + " (cpus " + cpus + ", hz " + shape.hz() + ")";
            for (int i = 0; i < cmds.size(); i++) {
                assertEquals(eager.apply(cmds.get(i)), lazy.apply(cmds.get(i)), where + ", command " + i + " '"
                        + cmds.get(i) + "'");
                if (i % 97 == 0) {
                    assertArrayEquals(eager.checkpoint(), lazy.checkpoint(), where + ": checkpoints after command " + i);
                }
            }
            assertEquals(ControlFiles.dump(eager.image()), ControlFiles.dump(lazy.image()), where + ": files");
            assertEquals(eager.drainEvents(), lazy.drainEvents(), where + ": telemetry events");
            assertArrayEquals(eager.checkpoint(), lazy.checkpoint(), where + ": checkpoints");
        }
    }

    @Test
    void firingsOnANodeWithThousandsOfDeadCachesVisitOnlyTheCachesInUse() {
        SplittableRandom rnd = new SplittableRandom(7);
        Command.Node shape = new Command.Node(4, 1L << 30, 0, 7, 100);
        Kernel k = Kernel.boot(shape, KernelConfig.DEFAULT);
        List<Command> cmds = churn(rnd, 1500, 4, false);
        for (Command c : cmds) {
            k.apply(c);
        }
        int caches = k.image().caches().size();
        assertTrue(caches > 1000, "the jobs left dead caches behind: " + caches + " caches");
        long before = k.internals().slab().reapVisits();
        for (int m = 0; m < 60; m++) {
            k.apply(new Command.Tick(60_000_000_000L));
        }
        long firings = 60 * 30 * 4;
        long visits = k.internals().slab().reapVisits() - before;
        assertTrue(visits <= firings * 4, "an hour of one-minute ticks (" + firings + " firings) visited " + visits
                + " caches of " + caches + ": quiet caches were walked");
    }
}
