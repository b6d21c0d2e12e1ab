package io.memfleet.workload.gen;

import io.memfleet.kernel.api.Seeds;
import io.memfleet.proto.v1.RolloutDecision;
import io.memfleet.workload.spec.ExperimentSpec;
import io.memfleet.workload.spec.RolloutSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where an experiment's rollouts touch its nodes, as a pure function of the experiment file and
 * the verdicts made so far: which wave each node joins (the nodes in index order, or a shuffle
 * seeded by the experiment's seed and the rollout's name), which configuration step a node takes
 * at the start of which workload step, and the first step no event may be generated for until a
 * verdict it depends on is made.
 *
 * <p>Wave 1 is applied at {@code at}; wave {@code k + 1} at the end of wave {@code k}'s bake if
 * wave {@code k} passed. A halted wave stops the rollout; with rollback, every node of the waves
 * applied so far gets its earlier values back at that same moment.
 */
public final class RolloutPlan {
    /** The verdicts made so far: per rollout, per wave, whether it halted. */
    public record Verdicts(Map<String, Map<Integer, Boolean>> halted) {
        public static final Verdicts NONE = new Verdicts(Map.of());

        public static Verdicts of(List<RolloutDecision> decisions) {
            Map<String, Map<Integer, Boolean>> m = new HashMap<>();
            for (RolloutDecision d : decisions) {
                m.computeIfAbsent(d.getRollout(), k -> new HashMap<>()).put(d.getWave(), d.getHalted());
            }
            return new Verdicts(m);
        }

        /** Whether the wave halted; null while it is not decided. */
        public Boolean of(String rollout, int wave) {
            return halted.getOrDefault(rollout, Map.of()).get(wave);
        }

        /** As {@link #of(String, int)}, where a rollout without halt_if rules passes every wave without waiting. */
        public Boolean of(RolloutSpec r, int wave) {
            return r.haltIf().isEmpty() ? Boolean.FALSE : of(r.name(), wave);
        }
    }

    /** One configuration step of a node: a rollout's wave applied, or rolled back. */
    public record Action(RolloutSpec rollout, int wave, boolean rollback) { }

    /** A verdict still to make: the rollout's wave and the simulated time its bake ends. */
    public record Pending(RolloutSpec rollout, int wave, long decidedAtNs) { }

    private final ExperimentSpec spec;
    private final List<RolloutSpec> rollouts;
    /** Per rollout: the nodes in the order they join. */
    private final int[][] order;
    /** Per rollout: how many nodes the waves have reached, wave by wave. */
    private final int[][] reached;
    /** Per rollout, per node: the wave it joins (from 1), or 0. */
    private final int[][] waveByNode;

    public RolloutPlan(ExperimentSpec spec) {
        this.spec = spec;
        this.rollouts = spec.rollouts();
        this.order = new int[rollouts.size()][];
        this.reached = new int[rollouts.size()][];
        this.waveByNode = new int[rollouts.size()][spec.nodes()];
        for (int r = 0; r < rollouts.size(); r++) {
            RolloutSpec ro = rollouts.get(r);
            order[r] = joinOrder(ro, spec.seed(), spec.nodes());
            reached[r] = ro.cumulativeNodes(spec.nodes());
            for (int k = 0; k < reached[r].length; k++) {
                for (int i = k == 0 ? 0 : reached[r][k - 1]; i < reached[r][k]; i++) {
                    waveByNode[r][order[r][i]] = k + 1;
                }
            }
        }
    }

    /** The nodes in the order they join: index order, or a Fisher-Yates shuffle seeded by (seed, rollout name). */
    static int[] joinOrder(RolloutSpec r, long seed, int nodes) {
        int[] o = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            o[i] = i;
        }
        if (r.order() == RolloutSpec.Order.SEEDED) {
            SplittableRandom rnd = new SplittableRandom(Seeds.seedFor(seed, "rollout/" + r.name()));
            for (int i = nodes - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = o[i];
                o[i] = o[j];
                o[j] = t;
            }
        }
        return o;
    }

    public boolean isEmpty() {
        return rollouts.isEmpty();
    }

    public List<RolloutSpec> rollouts() {
        return rollouts;
    }

    /** The nodes wave {@code wave} (from 1) of rollout {@code r} changes, ascending. */
    public int[] waveNodes(int r, int wave) {
        int[] out = Arrays.copyOfRange(order[r], reached[r][wave - 1] - waveSize(r, wave), reached[r][wave - 1]);
        Arrays.sort(out);
        return out;
    }

    /** How many nodes wave {@code wave} (from 1) of rollout {@code r} changes. */
    public int waveSize(int r, int wave) {
        return reached[r][wave - 1] - (wave == 1 ? 0 : reached[r][wave - 2]);
    }

    /** The wave (from 1) node {@code node} joins in rollout {@code r}, or 0 if it is in none. */
    public int waveOf(int r, int node) {
        return waveByNode[r][node];
    }

    /** The first wave of rollout {@code r} that halted, or 0 (none so far). */
    static int haltedWave(RolloutSpec r, Verdicts v) {
        for (int k = 1; k <= r.waveCount(); k++) {
            Boolean h = v.of(r, k);
            if (h == null) {
                return 0;
            }
            if (h) {
                return k;
            }
        }
        return 0;
    }

    /** The verdicts still to make, at most one per rollout (the next), within the experiment's time. */
    public List<Pending> pending(Verdicts v) {
        List<Pending> out = new ArrayList<>();
        for (RolloutSpec r : rollouts) {
            for (int k = 1; k <= r.waveCount(); k++) {
                Boolean h = v.of(r, k);
                if (h == null) {
                    if (r.decidedAtNs(k) < spec.durationNs()) {
                        out.add(new Pending(r, k, r.decidedAtNs(k)));
                    }
                    break;
                }
                if (h) {
                    break;
                }
            }
        }
        return out;
    }

    /** The first workload step whose events depend on a verdict not made yet; Long.MAX_VALUE when none does. */
    public long barrierStep(Verdicts v) {
        long step = Long.MAX_VALUE;
        for (Pending p : pending(v)) {
            step = Math.min(step, p.decidedAtNs() / spec.stepNs());
        }
        return step;
    }

    /** The configuration steps node {@code node} takes at the start of workload step {@code step}, rollout by rollout. */
    public List<Action> actionsAt(int node, long step, Verdicts v) {
        List<Action> out = List.of();
        long t = step * spec.stepNs();
        for (int r = 0; r < rollouts.size(); r++) {
            RolloutSpec ro = rollouts.get(r);
            int j = waveOf(r, node);
            if (j == 0) {
                continue;
            }
            Action a = null;
            if (t == ro.appliedAtNs(j) && passedBefore(ro, j, v)) {
                a = new Action(ro, j, false);
            } else if (ro.onHalt() == RolloutSpec.OnHalt.ROLLBACK) {
                int h = haltedWave(ro, v);
                if (h >= j && t == ro.decidedAtNs(h)) {
                    a = new Action(ro, h, true);
                }
            }
            if (a != null) {
                out = out.isEmpty() ? new ArrayList<>() : out;
                out.add(a);
            }
        }
        return out;
    }

    /** Every wave before {@code wave} passed. */
    private static boolean passedBefore(RolloutSpec r, int wave, Verdicts v) {
        for (int k = 1; k < wave; k++) {
            if (!Boolean.FALSE.equals(v.of(r, k))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether rollout {@code r} has changed node {@code node} as a sample at {@code timeNs} sees it:
     * applied before that time and not rolled back before it (a sample at a step's boundary comes
     * before the step's configuration).
     */
    public boolean changedAt(int r, int node, long timeNs, Verdicts v) {
        RolloutSpec ro = rollouts.get(r);
        int j = waveOf(r, node);
        if (j == 0 || timeNs <= ro.appliedAtNs(j) || !passedBefore(ro, j, v)) {
            return false;
        }
        int h = haltedWave(ro, v);
        return h == 0 || ro.onHalt() == RolloutSpec.OnHalt.HOLD || timeNs <= ro.decidedAtNs(h);
    }
}
