package io.memfleet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.KernelEvent;
import io.memfleet.kernel.script.ScriptParser;
import io.memfleet.proto.v1.NodeTelemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The direct telemetry encoder and the one built on the generated classes give the same message. */
class TelemetryWriterTest {
    private static Kernel run(long seed, int steps) {
        SplittableRandom r = new SplittableRandom(seed);
        Kernel k = Kernel.boot(new Command.Node(2, 64L << 20, r.nextBoolean() ? 16L << 20 : 0, seed, 100),
                KernelConfig.DEFAULT);
        List<String> lines = new ArrayList<>(List.of("mkdir /a", "echo 1 > /a/memory.use_hierarchy", "mkdir /a/b",
                "echo 8M > /a/memory.limit_in_bytes", "mkdir /c", "echo 1 > /c/memory.kmem.independent_kmem_limit",
                "echo 64K > /c/memory.kmem.limit_in_bytes"));
        for (int i = 1; i <= 6; i++) {
            lines.add("spawn " + i + " " + (i % 3 == 0 ? "/c" : i % 2 == 0 ? "/a/b" : "/a") + " cpu=" + (i % 2));
        }
        for (int s = 0; s < steps; s++) {
            int pid = 1 + r.nextInt(6);
            lines.add(switch (r.nextInt(7)) {
                case 0 -> "anon " + pid + " +" + (4 << r.nextInt(9)) + "K";
                case 1 -> "file " + pid + " +" + (4 << r.nextInt(6)) + "K";
                case 2 -> "dentry " + pid + " +" + r.nextInt(50);
                case 3 -> "kmalloc " + pid + " " + (32 << r.nextInt(6)) + " +" + r.nextInt(30);
                case 4 -> "tick " + (1 + r.nextInt(2000)) + "ms";
                case 5 -> "mkdir /a/j" + s;
                default -> "rmdir /a/j" + (s - 1);
            });
        }
        for (String l : lines) {
            Command c = ScriptParser.parse(l, 1, false);
            k.apply(c);
        }
        return k;
    }

    @Test
    void bothEncodersGiveTheSameSampleOverRandomNodeStates() throws Exception {
        TelemetryWriter writer = new TelemetryWriter();
        boolean sawEvents = false;
        for (long seed = 1; seed <= 60; seed++) {
            Kernel k = run(seed, 300);
            List<KernelEvent> events = k.drainEvents();
            sawEvents |= !events.isEmpty();
            TelemetryCodec.Progress p = new TelemetryCodec.Progress(seed, seed * 10, seed * 9);
            NodeTelemetry built = TelemetryCodec.sample("node/" + seed, p, k.image(), events);
            NodeTelemetry written = NodeTelemetry.parseFrom(writer.write("node/" + seed, p, k.image(), events, seed % 2 == 0));
            assertEquals(built.toBuilder().setFilesPublished(seed % 2 == 0).build(), written, "seed " + seed);
        }
        assertTrue(sawEvents, "the runs include OOM kills or allocation failures");
    }
}
