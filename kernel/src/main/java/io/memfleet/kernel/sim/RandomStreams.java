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

    /** The seed of stream {@code name} of {@code master} (the API's seed function). */
    public static long seedFor(long master, String name) {
        return io.memfleet.kernel.api.Seeds.seedFor(master, name);
    }
}
