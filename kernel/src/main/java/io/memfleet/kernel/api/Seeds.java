package io.memfleet.kernel.api;

/**
 * The seed function every random stream of a simulation is made with: a node's own streams, and
 * the workload generators' per node and per rollout, so one master seed gives one experiment.
 */
public final class Seeds {
    private Seeds() {
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
