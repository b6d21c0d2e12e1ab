package io.memfleet.workload.spec;

import io.memfleet.proto.v1.CgroupConfig;
import java.util.List;
import java.util.Locale;

/**
 * A staged change of cgroup settings inside an experiment ({@code rollouts:}): applied at
 * simulated time {@code at} to a first wave of nodes, then, wave by wave, to the next share of the
 * nodes after each wave has baked for {@code bake} without tripping a {@code halt_if} rule. A
 * tripped rule halts the rollout: with {@code on_halt: rollback} every changed node gets its
 * earlier values back at that moment, with {@code hold} the applied waves keep the change.
 *
 * <p>Wave {@code k} (from 1) is applied at {@code at + (k - 1) * bake} and decided at
 * {@code at + k * bake}; its rules are measured over its own nodes between the two.
 *
 * @param waves cumulative shares of the nodes, increasing, each in (0, 1]
 */
public record RolloutSpec(String name, long atNs, List<CgroupConfig> cgroups, List<Double> waves, Order order,
                          long bakeNs, List<Guard> haltIf, OnHalt onHalt) {
    /** The order nodes join the waves in: a seeded shuffle of their indices, or index order. */
    public enum Order { SEEDED, INDEX }

    /** What a halt leaves: the earlier values written back, or the applied waves as they are. */
    public enum OnHalt { ROLLBACK, HOLD }

    /**
     * What a rule measures on one node over a wave's window: a gauge's highest sample (usage,
     * kmem, caches), a counter's growth (failcnt), or the events of the window (OOM kills,
     * allocation failures).
     */
    public enum Metric {
        USAGE(Kind.GAUGE), KMEM(Kind.GAUGE), DEAD_CACHES(Kind.GAUGE), LIVE_CACHES(Kind.GAUGE), FAILCNT(Kind.COUNTER),
        OOM_KILLS(Kind.EVENTS), ALLOC_FAILURES(Kind.EVENTS);

        /** How a node's samples in the window become its value. */
        public enum Kind { GAUGE, COUNTER, EVENTS }

        private final Kind kind;

        Metric(Kind kind) {
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How the wave's nodes' values become the one compared: their mean, a percentile, or the largest. */
    public enum Aggregate {
        PER_NODE, P50, P99, MAX;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One halt_if rule: the wave halts when the aggregate of the metric over its nodes is above the threshold. */
    public record Guard(String cgroup, Metric metric, Aggregate aggregate, double threshold) { }

    public RolloutSpec {
        cgroups = List.copyOf(cgroups);
        waves = List.copyOf(waves);
        haltIf = List.copyOf(haltIf);
    }

    public int waveCount() {
        return waves.size();
    }

    /** When wave {@code k} (from 1) is applied. */
    public long appliedAtNs(int k) {
        return atNs + (k - 1) * bakeNs;
    }

    /** When wave {@code k} (from 1) is decided: the end of its bake. */
    public long decidedAtNs(int k) {
        return atNs + k * bakeNs;
    }

    /** How many nodes the waves have reached in all, wave by wave: the share of {@code nodes}, rounded up. */
    public int[] cumulativeNodes(int nodes) {
        int[] out = new int[waves.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = reached(waves.get(k), nodes);
        }
        return out;
    }

    /** How many of {@code nodes} a cumulative share reaches: rounded up, at least one. */
    static int reached(double share, int nodes) {
        return (int) Math.min(nodes, Math.max(1, Math.ceil(share * nodes - 1e-9)));
    }
}
