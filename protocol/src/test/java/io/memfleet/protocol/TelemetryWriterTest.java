package io.memfleet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.KernelEvent;
import io.memfleet.kernel.script.ScriptParser;
import io.memfleet.proto.v1.DyingGroups;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.SlabCacheSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
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

    /** Jobs in /j/N leave dentries behind when they exit; rmdir turns their caches dead. */
    private static Kernel churn(KernelConfig config, int jobs) {
        Kernel k = Kernel.boot(new Command.Node(2, 64L << 20, 0, 7, 100), config);
        List<String> lines = new ArrayList<>(List.of("mkdir /j", "echo 1 > /j/memory.use_hierarchy",
                "echo 1G > /j/memory.kmem.limit_in_bytes"));
        for (int i = 1; i <= jobs; i++) {
            String g = (i % 2 == 0 ? "/j/" : "/") + "job" + i;
            lines.addAll(List.of("mkdir " + g, "echo 1G > " + g + "/memory.kmem.limit_in_bytes",
                    "spawn " + (100 + i) + " " + g, "dentry " + (100 + i) + " +1", "tick 1s", "dentry " + (100 + i) + " +40", "kmalloc " + (100 + i) + " 64 +20",
                    "exit " + (100 + i), "rmdir " + g));
        }
        for (String l : lines) {
            k.apply(ScriptParser.parse(l, 1, false));
        }
        return k;
    }

    @Test
    void deadCachesAreSentAsOneAggregatePerRootCacheAndParent() throws Exception {
        for (KernelConfig config : List.of(KernelConfig.DEFAULT, KernelConfig.parse("kmem-pins-memcg"))) {
            Kernel k = churn(config, 12);
            long deadInImage = k.image().caches().stream().filter(c -> c.dead()).count();
            TelemetryCodec.Progress p = new TelemetryCodec.Progress(1, 1, 1);
            NodeTelemetry built = TelemetryCodec.sample("n", p, k.image(), List.of());
            NodeTelemetry written = NodeTelemetry.parseFrom(new TelemetryWriter().write("n", p, k.image(), List.of(), false));
            assertEquals(built, written, config.spec());
            List<SlabCacheSample> dead = written.getCachesList().stream().filter(SlabCacheSample::getDead).toList();
            assertTrue(deadInImage > 4, config.spec() + ": the jobs left dead caches (" + deadInImage + ")");
            assertEquals(deadInImage, dead.stream().mapToLong(SlabCacheSample::getDeadCaches).sum(), config.spec());
            assertEquals(Set.of("/", "/j"), dead.stream().map(SlabCacheSample::getMemcgPath).collect(Collectors.toSet()));
            assertEquals(dead.size(), dead.stream().map(c -> c.getName() + " " + c.getMemcgPath()).distinct().count(),
                    "one aggregate per (root cache, parent)");
            assertTrue(dead.stream().noneMatch(c -> c.getName().contains("(")), "aggregates carry the root cache's name");
            assertEquals(k.image().caches().stream().filter(c -> c.dead()).mapToLong(c -> c.numObjs()).sum(),
                    dead.stream().mapToLong(SlabCacheSample::getNumObjs).sum());
            assertEquals(k.image().cssIdsInUse(), written.getCssIdsInUse());
            assertEquals(k.image().pinnedKmemBytes(), written.getPinnedKmemBytes());
            assertTrue(written.getPinnedKmemBytes() > 0, config.spec());
            assertEquals(k.image().dyingCgroups().size(), written.getDyingMemcgs());
            assertEquals(written.getDyingMemcgs(), written.getDyingList().stream().mapToLong(DyingGroups::getCount).sum());
        }
        NodeTelemetry pinned = TelemetryCodec.sample("n", new TelemetryCodec.Progress(1, 1, 1),
                churn(KernelConfig.parse("kmem-pins-memcg"), 12).image(), List.of());
        assertEquals(12, pinned.getDyingMemcgs(), "every job whose slab outlives it leaves a dying group");
        assertEquals(Set.of("/", "/j"), pinned.getDyingList().stream().map(DyingGroups::getParentPath).collect(Collectors.toSet()));
        assertTrue(pinned.getDyingList().stream().allMatch(d -> d.getKmemBytes() > 0), "they carry their slab pages");
        assertEquals(14, pinned.getCssIdsInUse(), "the root, /j and the twelve dying jobs");
    }
}
