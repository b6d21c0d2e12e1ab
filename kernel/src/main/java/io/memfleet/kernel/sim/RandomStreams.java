package io.memfleet.kernel.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Named random streams derived from one master seed. Each stream's seed depends only on the master
 * seed and its name, so adding a stream never shifts the numbers another stream produces.
 */
public final class RandomStreams {
    private final long masterSeed;
    private final Map<String, SplittableRandom> streams = new HashMap<>();

    public RandomStreams(long masterSeed) {
        this.masterSeed = masterSeed;
    }

    public long masterSeed() {
        return masterSeed;
    }

    public SplittableRandom stream(String name) {
        return streams.computeIfAbsent(name, n -> new SplittableRandom(seedFor(masterSeed, n)));
    }

    /** A stable 64-bit seed for (master, name): FNV-1a over the name, mixed with the master seed. */
    public static long seedFor(long master, String name) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            h ^= name.charAt(i);
            h *= 0x100000001b3L;
        }
        long z = h ^ (master * 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
