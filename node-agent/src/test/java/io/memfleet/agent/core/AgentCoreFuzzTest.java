package io.memfleet.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.proto.v1.NodeTelemetry;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded fuzzing of the wire decoder through the agent's core: valid workload records with bytes
 * flipped, cut, repeated and replaced by extreme varints, and under foreign keys, are each
 * applied, counted as duplicates or dead-lettered; nothing throws, and a node that got only
 * well-formed records ends exactly as it does on an agent that never saw the fuzz.
 */
class AgentCoreFuzzTest {
    private static final AgentSettings SETTINGS = new AgentSettings(KernelConfig.DEFAULT, 1_000_000_000L, 4);
    private static final int RUNS = Integer.getInteger("memfleet.fuzz", 20_000);

    private static byte[] mutate(byte[] valid, SplittableRandom rnd) {
        byte[] b = valid.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            case 2 -> {
                int at = rnd.nextInt(b.length);
                byte[] big = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                    (byte) 0xff, (byte) 0xff, 0x01};
                byte[] out = new byte[b.length + big.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(big, 0, out, at, big.length);
                System.arraycopy(b, at, out, at + big.length, b.length - at);
                b = out;
            }
            case 3 -> {
                byte[] out = new byte[b.length * 2];
                System.arraycopy(b, 0, out, 0, b.length);
                System.arraycopy(b, 0, out, b.length, b.length);
                b = out;
            }
            default -> {
                for (int k = 0; k < 1 + rnd.nextInt(8); k++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
            }
        }
        return b;
    }

    @Test
    @Timeout(600)
    void fuzzedRecordsAreAppliedOrDeadLetteredAndTheWellFormedNodeEndsAsOnACleanAgent() {
        CoreHarness fuzzed = new CoreHarness(SETTINGS);
        CoreHarness clean = new CoreHarness(SETTINGS);
        String[] setup = {"node cpus=2 mem=256M", "mkdir /a", "echo 8M > /a/memory.limit_in_bytes", "spawn 1 /a"};
        String[][] rounds = {{"anon 1 +64K", "dentry 1 +20", "tick 300ms"}, {"kmalloc 1 512 +4", "file 1 +32K", "tick 1s"},
            {"anon 1 -16K", "dentry 1 -5", "kmalloc 1 512 -2", "tick 2s"}};
        for (CoreHarness h : List.of(fuzzed, clean)) {
            h.run("steady", setup);
        }
        SplittableRandom rnd = new SplittableRandom(Long.getLong("memfleet.seed", 1));
        long[] victims = new long[4];
        for (int i = 0; i < RUNS; i++) {
            String victim = "fuzz-" + rnd.nextInt(victims.length);
            byte[] valid = fuzzed.lines(victim, rnd.nextInt(10) == 0 ? setup : rounds[rnd.nextInt(rounds.length)]);
            String key = switch (rnd.nextInt(20)) {
                case 0 -> "/etc/passwd";
                case 1 -> "../../x";
                case 2 -> "";
                default -> victim;
            };
            fuzzed.send(key.isEmpty() ? 0 : fuzzed.core.homePartition(key), key, mutate(valid, rnd));
            if (i % 50 == 0) {
                String[] r = rounds[(i / 50) % rounds.length];
                fuzzed.run("steady", r);
                clean.run("steady", r);
            }
        }
        AgentCore.Stats s = fuzzed.core.stats();
        assertTrue(s.deadLettered > 0 && s.applied > 0, "both applied and dead-lettered records: " + s.deadLettered);
        NodeTelemetry a = last(fuzzed, "steady");
        NodeTelemetry b = last(clean, "steady");
        assertEquals(b.toBuilder().clearSeq().build(), a.toBuilder().clearSeq().build(),
                "the node that got well-formed records only ends as on an agent that never saw the fuzz");
    }

    private static NodeTelemetry last(CoreHarness h, String node) {
        h.send(node, h.sample(node, false, false));
        List<NodeTelemetry> t = h.telemetry(node);
        return t.get(t.size() - 1);
    }
}
