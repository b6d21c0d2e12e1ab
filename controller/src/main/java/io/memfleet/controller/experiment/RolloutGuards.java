package io.memfleet.controller.experiment;

import io.memfleet.controller.model.Stats;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.GuardValue;
import io.memfleet.proto.v1.KernelEvent;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.RolloutDecision;
import io.memfleet.proto.v1.SlabCacheSample;
import io.memfleet.workload.gen.RolloutPlan;
import io.memfleet.workload.spec.ExperimentSpec;
import io.memfleet.workload.spec.RolloutSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The halt_if rules of an experiment's rollouts, measured from its nodes' telemetry in simulated
 * time, with no I/O. Every sample of a node inside its wave's window (from the wave's start to the
 * end of its bake) is kept by its time, so a redelivered sample changes nothing and the order
 * samples arrive in does not matter. A wave is decided once each of its nodes has reported the end
 * of its bake: the generators publish nothing past that time before the verdict, so the verdict is
 * a function of the experiment file alone.
 *
 * <p>Per node over the window: a gauge's highest sample after the start (usage, kmem, caches), a
 * counter's growth from the start's sample to the end's (failcnt; 0 at time 0), the events of the
 * samples after the start (OOM kills, allocation failures). Over the wave's nodes: their mean
 * ({@code per_node}), nearest-rank p50 or p99, or the largest; a value above its threshold halts.
 */
public final class RolloutGuards {
    private final ExperimentSpec spec;
    private final RolloutPlan plan;
    /** Per rollout, per node: the node's samples in its wave's window, time to one value per rule. */
    private final List<Map<Integer, TreeMap<Long, long[]>>> windows = new ArrayList<>();
    /** Per rollout, per wave (from 1): how many of its nodes have reported the end of its bake. */
    private final List<int[]> reported = new ArrayList<>();

    public RolloutGuards(ExperimentSpec spec) {
        this.spec = spec;
        this.plan = new RolloutPlan(spec);
        for (int r = 0; r < spec.rollouts().size(); r++) {
            windows.add(new HashMap<>());
            reported.add(new int[spec.rollouts().get(r).waveCount() + 1]);
        }
    }

    public RolloutPlan plan() {
        return plan;
    }

    /** A sample of node {@code node}; kept if it falls in the window of an undecided wave the node is in. */
    public void add(int node, NodeTelemetry t, RolloutPlan.Verdicts v) {
        if (node < 0 || node >= spec.nodes()) {
            return;
        }
        long time = t.getSimTimeNs();
        for (int r = 0; r < spec.rollouts().size(); r++) {
            RolloutSpec ro = spec.rollouts().get(r);
            int wave = plan.waveOf(r, node);
            if (wave == 0 || ro.haltIf().isEmpty() || v.of(ro, wave) != null
                    || time < ro.appliedAtNs(wave) || time > ro.decidedAtNs(wave)) {
                continue;
            }
            long[] values = new long[ro.haltIf().size()];
            for (int g = 0; g < values.length; g++) {
                values[g] = value(t, ro.haltIf().get(g));
            }
            if (windows.get(r).computeIfAbsent(node, k -> new TreeMap<>()).put(time, values) == null
                    && time == ro.decidedAtNs(wave)) {
                reported.get(r)[wave]++;
            }
        }
    }

    /** The verdicts that can be made now: each pending wave whose every node has reported the end of its bake. */
    public List<RolloutDecision> decide(RolloutPlan.Verdicts v) {
        List<RolloutDecision> out = new ArrayList<>();
        for (RolloutPlan.Pending p : plan.pending(v)) {
            int r = spec.rollouts().indexOf(p.rollout());
            if (reported.get(r)[p.wave()] == plan.waveSize(r, p.wave())) {
                int[] nodes = plan.waveNodes(r, p.wave());
                out.add(decision(r, p, nodes));
                for (int n : nodes) {
                    windows.get(r).remove(n); // decided: its samples are not needed any more
                }
            }
        }
        return out;
    }

    private RolloutDecision decision(int r, RolloutPlan.Pending p, int[] nodes) {
        RolloutSpec ro = p.rollout();
        long from = ro.appliedAtNs(p.wave());
        RolloutDecision.Builder d = RolloutDecision.newBuilder().setRollout(ro.name()).setWave(p.wave())
                .setSimTimeNs(p.decidedAtNs());
        boolean halted = false;
        for (int g = 0; g < ro.haltIf().size(); g++) {
            RolloutSpec.Guard guard = ro.haltIf().get(g);
            long[] perNode = new long[nodes.length];
            for (int i = 0; i < nodes.length; i++) {
                perNode[i] = overWindow(windows.get(r).get(nodes[i]), g, guard.metric().kind(), from);
            }
            double value = aggregate(perNode, guard.aggregate());
            boolean tripped = value > guard.threshold();
            halted |= tripped;
            d.addGuards(GuardValue.newBuilder().setCgroup(guard.cgroup()).setMetric(guard.metric().label())
                    .setAggregate(guard.aggregate().label()).setValue(value).setThreshold(guard.threshold())
                    .setTripped(tripped));
        }
        return d.setHalted(halted).build();
    }

    /** One node's value of rule {@code g} over its window's samples (keyed by time, the start's included). */
    static long overWindow(TreeMap<Long, long[]> samples, int g, RolloutSpec.Metric.Kind kind, long from) {
        long out = 0;
        switch (kind) {
            case GAUGE -> {
                for (Map.Entry<Long, long[]> e : samples.tailMap(from, false).entrySet()) {
                    out = Math.max(out, e.getValue()[g]);
                }
            }
            case EVENTS -> {
                for (Map.Entry<Long, long[]> e : samples.tailMap(from, false).entrySet()) {
                    out += e.getValue()[g];
                }
            }
            case COUNTER -> {
                long[] start = samples.get(from);
                out = Math.max(0, samples.lastEntry().getValue()[g] - (start == null ? 0 : start[g]));
            }
        }
        return out;
    }

    static double aggregate(long[] perNode, RolloutSpec.Aggregate a) {
        Stats s = Stats.of(perNode);
        return switch (a) {
            case PER_NODE -> perNode.length == 0 ? 0 : (double) s.sum() / perNode.length;
            case P50 -> s.p50();
            case P99 -> s.p99();
            case MAX -> s.max();
        };
    }

    /** What rule {@code g} reads from one sample of a node. */
    static long value(NodeTelemetry t, RolloutSpec.Guard g) {
        String path = g.cgroup();
        return switch (g.metric()) {
            case USAGE, KMEM, FAILCNT -> {
                for (CgroupSample c : t.getCgroupsList()) {
                    if (c.getPath().equals(path)) {
                        yield g.metric() == RolloutSpec.Metric.USAGE ? c.getUsageInBytes()
                                : g.metric() == RolloutSpec.Metric.KMEM ? c.getKmemUsageInBytes() : c.getFailcnt();
                    }
                }
                yield 0;
            }
            case LIVE_CACHES, DEAD_CACHES -> {
                long n = 0;
                for (SlabCacheSample s : t.getCachesList()) {
                    boolean dead = s.getDead();
                    String owner = dead ? io.memfleet.controller.model.FleetState.deadParent(s) : s.getMemcgPath();
                    if (owner.equals(path) && dead == (g.metric() == RolloutSpec.Metric.DEAD_CACHES)) {
                        n += dead ? io.memfleet.controller.model.FleetState.deadCount(s) : 1; // an aggregate counts its caches
                    }
                }
                yield n;
            }
            case OOM_KILLS, ALLOC_FAILURES -> {
                long n = 0;
                for (KernelEvent e : t.getEventsList()) {
                    if (g.metric() == RolloutSpec.Metric.OOM_KILLS && e.hasOomKill()) {
                        String p = e.getOomKill().getMemcgPath().isEmpty() ? "/" : e.getOomKill().getMemcgPath();
                        n += p.equals(path) ? 1 : 0;
                    } else if (g.metric() == RolloutSpec.Metric.ALLOC_FAILURES && e.hasAllocFailure()) {
                        n += e.getAllocFailure().getCgroupPath().equals(path) ? 1 : 0;
                    }
                }
                yield n;
            }
        };
    }
}
