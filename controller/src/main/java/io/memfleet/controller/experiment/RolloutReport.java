package io.memfleet.controller.experiment;

import io.memfleet.protocol.NodeIds;
import io.memfleet.proto.v1.ConfigOutcome;
import io.memfleet.proto.v1.FileAck;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.RolloutDecision;
import io.memfleet.proto.v1.RolloutSummary;
import io.memfleet.proto.v1.WaveSummary;
import io.memfleet.workload.gen.RolloutPlan;
import io.memfleet.workload.spec.ExperimentSpec;
import io.memfleet.workload.spec.RolloutSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How an experiment's rollouts went, wave by wave, from the file, the verdicts and the nodes' final
 * states (each lists the configuration steps it applied with every write's errno): what goes into
 * the summary, the same however the experiment ran. Pure.
 */
public final class RolloutReport {
    private RolloutReport() {
    }

    public static List<RolloutSummary> of(ExperimentSpec spec, RolloutPlan plan, List<RolloutDecision> decisions,
                                          Collection<NodeTelemetry> finals) {
        RolloutPlan.Verdicts v = RolloutPlan.Verdicts.of(decisions);
        List<RolloutSummary> out = new java.util.ArrayList<>();
        for (int r = 0; r < spec.rollouts().size(); r++) {
            RolloutSpec ro = spec.rollouts().get(r);
            Map<Integer, Map<String, Long>> applied = new TreeMap<>();
            Map<Integer, Map<String, Long>> rolledBack = new TreeMap<>();
            for (NodeTelemetry n : finals) {
                for (ConfigOutcome o : n.getConfigOutcomesList()) {
                    if (o.getRollout().equals(ro.name())) {
                        int wave = o.getRollback() ? plan.waveOf(r, NodeIds.indexOf(n.getNodeId())) : o.getWave();
                        count(o.getRollback() ? rolledBack : applied, wave, o.getFilesList());
                    }
                }
            }
            RolloutSummary.Builder s = RolloutSummary.newBuilder().setName(ro.name());
            int halt = 0; // the wave that halted, if one did
            for (int k = 1; k <= ro.waveCount() && halt == 0; k++) {
                if (Boolean.TRUE.equals(v.of(ro, k)) && ro.decidedAtNs(k) < spec.durationNs()) {
                    halt = k;
                }
            }
            int halted = 0;
            String outcome = "passed";
            for (int k = 1; k <= ro.waveCount(); k++) {
                WaveSummary.Builder w = WaveSummary.newBuilder().setWave(k).setShare(ro.waves().get(k - 1))
                        .setAppliedAtNs(-1).setDecidedAtNs(-1).setRolledBackAtNs(-1)
                        .putAllApplyErrnos(applied.getOrDefault(k, Map.of()))
                        .putAllRollbackErrnos(rolledBack.getOrDefault(k, Map.of()));
                for (int node : plan.waveNodes(r, k)) {
                    w.addNodes(node);
                }
                boolean reached = halted == 0 && ro.appliedAtNs(k) < spec.durationNs();
                if (reached) {
                    w.setAppliedAtNs(ro.appliedAtNs(k));
                }
                RolloutDecision d = find(decisions, ro.name(), k);
                Boolean verdict = v.of(ro, k);
                if (!reached) {
                    w.setVerdict("not applied");
                } else if (verdict == null || ro.decidedAtNs(k) >= spec.durationNs()) {
                    w.setVerdict("not decided");
                    outcome = "unfinished: the experiment ended during wave " + k + "'s bake";
                } else {
                    w.setDecidedAtNs(ro.decidedAtNs(k)).setVerdict(verdict ? "halted" : "passed");
                    if (d != null) {
                        w.addAllGuards(d.getGuardsList());
                    }
                    if (verdict) {
                        halted = k;
                        boolean back = ro.onHalt() == RolloutSpec.OnHalt.ROLLBACK;
                        outcome = "halted at wave " + k + (back ? ", rolled back" : ", held");
                    }
                }
                if (halt > 0 && ro.onHalt() == RolloutSpec.OnHalt.ROLLBACK && k <= halt) {
                    w.setRolledBackAtNs(ro.decidedAtNs(halt));
                }
                s.addWaves(w);
            }
            out.add(s.setOutcome(outcome).build());
        }
        return out;
    }

    private static void count(Map<Integer, Map<String, Long>> byWave, int wave, List<FileAck> files) {
        Map<String, Long> m = byWave.computeIfAbsent(wave, k -> new TreeMap<>());
        for (FileAck f : files) {
            m.merge(f.getErrno(), 1L, Long::sum);
        }
    }

    private static RolloutDecision find(List<RolloutDecision> decisions, String rollout, int wave) {
        for (RolloutDecision d : decisions) {
            if (d.getRollout().equals(rollout) && d.getWave() == wave) {
                return d;
            }
        }
        return null;
    }
}
