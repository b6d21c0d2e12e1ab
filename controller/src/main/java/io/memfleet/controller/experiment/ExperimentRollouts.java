package io.memfleet.controller.experiment;

import io.memfleet.controller.model.FleetSeries;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.RolloutDecision;
import io.memfleet.proto.v1.RolloutSchedule;
import io.memfleet.proto.v1.RolloutSummary;
import io.memfleet.workload.gen.RolloutPlan;
import io.memfleet.workload.spec.ExperimentSpec;
import io.memfleet.workload.spec.RolloutSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One experiment's rollouts as its manager tracks them, with no I/O: the verdicts its record
 * holds, the rules measured from its nodes' samples, the split of its series into changed and
 * unchanged nodes, and at the end the rollout section of its summary.
 */
final class ExperimentRollouts {
    private final ExperimentSpec spec;
    private final RolloutGuards guards;
    private RolloutPlan.Verdicts verdicts = RolloutPlan.Verdicts.NONE;

    private ExperimentRollouts(ExperimentSpec spec) {
        this.spec = spec;
        this.guards = new RolloutGuards(spec);
    }

    /** The rollouts of {@code spec}; null when it has none. */
    static ExperimentRollouts of(ExperimentSpec spec) {
        return spec == null || spec.rollouts().isEmpty() ? null : new ExperimentRollouts(spec);
    }

    /** When the file's rollouts' waves go, for the experiment's first record. */
    static List<RolloutSchedule> schedule(ExperimentSpec spec) {
        List<RolloutSchedule> out = new ArrayList<>();
        for (RolloutSpec r : spec.rollouts()) {
            out.add(RolloutSchedule.newBuilder().setName(r.name()).setAtNs(r.atNs()).setBakeNs(r.bakeNs())
                    .setWaves(r.waveCount()).build());
        }
        return out;
    }

    /** The verdicts as the experiment's latest record has them. */
    void verdicts(List<RolloutDecision> decisions) {
        verdicts = RolloutPlan.Verdicts.of(decisions);
    }

    /** A fresh sample of node {@code index}; returns the verdicts it makes possible (usually none). */
    List<RolloutDecision> onSample(int index, NodeTelemetry t) {
        guards.add(index, t, verdicts);
        return guards.decide(verdicts);
    }

    /** The series of a rollout's cgroups (and its rules') split into the nodes it changed and the rest. */
    FleetSeries.Split split() {
        RolloutPlan plan = guards.plan();
        List<String> names = spec.rollouts().stream().map(RolloutSpec::name).toList();
        List<Set<String>> paths = new ArrayList<>();
        for (RolloutSpec r : spec.rollouts()) {
            Set<String> p = new TreeSet<>();
            r.cgroups().forEach(c -> p.add(c.getPath()));
            r.haltIf().forEach(g -> p.add(g.cgroup()));
            paths.add(p);
        }
        return new FleetSeries.Split() {
            @Override
            public List<String> rollouts() {
                return names;
            }

            @Override
            public Set<String> cgroups(int rollout) {
                return paths.get(rollout);
            }

            @Override
            public boolean changed(int rollout, int node, long timeNs) {
                return plan.changedAt(rollout, node, timeNs, verdicts);
            }
        };
    }

    /** The summary's rollout section, from the verdicts and the nodes' final states. */
    List<RolloutSummary> summary(List<RolloutDecision> decisions, Collection<NodeTelemetry> finals) {
        return RolloutReport.of(spec, guards.plan(), decisions, finals);
    }
}
