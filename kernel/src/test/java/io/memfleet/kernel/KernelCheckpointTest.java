package io.memfleet.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Result;
import io.memfleet.kernel.fs.ControlFiles;
import io.memfleet.kernel.script.ScriptParser;
import io.memfleet.kernel.sim.StateReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint restores a node that behaves exactly as the original: seeded random workloads are
 * checkpointed at a random command, and the original and the restored node then get the same
 * commands and must give the same results, images, files and checkpoints. Rerun one seed with
 * -Dmemfleet.seed=N.
 */
class KernelCheckpointTest {
    private static final int RUNS = Integer.getInteger("memfleet.runs", 40);
    private static final int STEPS = 300;

    /** Moves tasks 1 to 8 to the root, so that a group can be removed with its swap entries and slab objects. */
    private static final String EVERY_TASK_TO_ROOT = "echo 1 > /tasks\necho 2 > /tasks\necho 3 > /tasks\n"
            + "echo 4 > /tasks\necho 5 > /tasks\necho 6 > /tasks\necho 7 > /tasks\necho 8 > /tasks\n";

    /** The kernels checkpoints are tried on: the v2 code, its documented intent, and the later kernels' kmem lifetimes. */
    private static final KernelConfig[] CONFIGS = {KernelConfig.DEFAULT, KernelConfig.INTENDED,
        KernelConfig.parse("kmem-pins-memcg"), KernelConfig.parse("kmem-reparent")};

    static List<Command> workload(SplittableRandom rnd, int steps) {
        List<String> lines = new ArrayList<>(List.of("mkdir /a", "echo 1 > /a/memory.use_hierarchy", "mkdir /a/c",
                "mkdir /b", "mkdir /d", "echo 1 > /b/memory.kmem.independent_kmem_limit"));
        String[] extra = {"echo 1 > /b/memory.move_charge_at_immigrate", "echo 1 > /d/memory.force_empty",
            "cat /a/memory.stat", "cat /proc/slabinfo", "cat /b/memory.kmem.slabinfo", "dmesg",
            "echo 0 > /b/memory.swappiness", "echo 2M > /d/memory.memsw.limit_in_bytes", "kmalloc irq 64 +3",
            "kmalloc irq 64 -2", "print checkpoint", EVERY_TASK_TO_ROOT + "rmdir /a/c", EVERY_TASK_TO_ROOT + "rmdir /b",
            EVERY_TASK_TO_ROOT + "rmdir /a/c\nrmdir /a", "mkdir /a/c", "mkdir /b", "mkdir /a\nmkdir /a/c"};
        for (int i = 0; i < steps; i++) {
            lines.addAll(Arrays.asList(KernelPropertiesTest.randomCommand(rnd, false).split("\n")));
            if (rnd.nextInt(8) == 0) {
                lines.addAll(Arrays.asList(extra[rnd.nextInt(extra.length)].split("\n")));
            }
        }
        List<Command> out = new ArrayList<>();
        for (String l : lines) {
            Command c = ScriptParser.parse(l, 1, false);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    @Test
    void aRestoredNodeAnswersEveryLaterCommandAsTheOriginalDoes() {
        Long one = Long.getLong("memfleet.seed");
        long first = one != null ? one : 1;
        for (long seed = first; seed < first + (one != null ? 1 : RUNS); seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Command.Node shape = new Command.Node(1 + rnd.nextInt(2), 32L << 20, rnd.nextBoolean() ? 8L << 20 : 0, seed,
                    100);
            KernelConfig config = CONFIGS[rnd.nextInt(CONFIGS.length)];
            List<Command> cmds = workload(rnd, STEPS);
            int at = rnd.nextInt(cmds.size());
            Kernel original = Kernel.boot(shape, config);
            for (Command c : cmds.subList(0, at)) {
                original.apply(c);
            }
            byte[] saved = original.checkpoint();
            Kernel restored = Kernel.restore(saved);
            String where = "seed=" + seed + " (repro: -Dmemfleet.seed=" + seed + "), checkpoint after " + at + " commands";
            assertArrayEquals(saved, restored.checkpoint(), where + ": a restored node checkpoints to the same bytes");
            for (int i = at; i < cmds.size(); i++) {
                Result want = original.apply(cmds.get(i));
                Result got = restored.apply(cmds.get(i));
                assertEquals(want, got, where + ", command " + i + " '" + cmds.get(i) + "'");
            }
            assertEquals(original.image(), restored.image(), where + ": final images");
            assertEquals(ControlFiles.dump(original.image()), ControlFiles.dump(restored.image()), where + ": files");
            assertEquals(original.drainEvents(), restored.drainEvents(), where + ": pending telemetry events");
            assertArrayEquals(original.checkpoint(), restored.checkpoint(), where + ": final checkpoints");
        }
    }

    @Test
    void aTruncatedOrForeignCheckpointIsRefusedWithAReason() {
        Kernel k = Kernel.boot();
        k.apply(new Command.Mkdir("/x"));
        byte[] saved = k.checkpoint();
        for (int len : new int[] {0, 3, saved.length / 2, saved.length - 1}) {
            assertThrows(StateReader.CorruptStateException.class, () -> Kernel.restore(Arrays.copyOf(saved, len)),
                    "a checkpoint cut to " + len + " bytes");
        }
        byte[] longer = Arrays.copyOf(saved, saved.length + 1);
        IllegalStateException extra = assertThrows(IllegalStateException.class, () -> Kernel.restore(longer));
        assertTrue(extra.getMessage().contains("left over"), extra.getMessage());
        IllegalStateException foreign = assertThrows(IllegalStateException.class,
                () -> Kernel.restore("not a checkpoint".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals("not a memfleet kernel checkpoint", foreign.getMessage());
    }
}
