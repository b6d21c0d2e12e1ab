package io.memfleet.controller.http;

import io.memfleet.proto.v1.GuardValue;
import io.memfleet.proto.v1.RolloutDecision;
import io.memfleet.proto.v1.RolloutSummary;
import io.memfleet.proto.v1.WaveSummary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An experiment's rollouts as JSON: the verdicts so far (the API), and wave by wave (summary.json). */
final class RolloutJson {
    private RolloutJson() {
    }

    /** The rollouts' wave times (within the experiment), as scheduled. */
    static JsonArray schedule(List<io.memfleet.proto.v1.RolloutSchedule> rollouts, long durationNs) {
        JsonArray out = new JsonArray();
        for (io.memfleet.proto.v1.RolloutSchedule r : rollouts) {
            JsonArray starts = new JsonArray();
            for (int k = 0; k < r.getWaves() && r.getAtNs() + k * r.getBakeNs() < durationNs; k++) {
                starts.add((r.getAtNs() + k * r.getBakeNs()) / 1e9);
            }
            out.add(new JsonObject().put("name", r.getName()).put("wave_starts_seconds", starts)
                    .put("bake_seconds", r.getBakeNs() / 1e9));
        }
        return out;
    }

    static JsonArray decisions(List<RolloutDecision> decisions) {
        JsonArray out = new JsonArray();
        for (RolloutDecision d : decisions) {
            out.add(new JsonObject().put("rollout", d.getRollout()).put("wave", d.getWave())
                    .put("verdict", d.getHalted() ? "halted" : "passed").put("decided_at_seconds", d.getSimTimeNs() / 1e9)
                    .put("guards", guards(d.getGuardsList())));
        }
        return out;
    }

    static JsonArray summary(List<RolloutSummary> rollouts) {
        JsonArray out = new JsonArray();
        for (RolloutSummary r : rollouts) {
            JsonArray waves = new JsonArray();
            for (WaveSummary w : r.getWavesList()) {
                waves.add(new JsonObject().put("wave", w.getWave()).put("share", w.getShare())
                        .put("nodes", w.getNodesCount()).put("node_indices", new JsonArray(List.copyOf(w.getNodesList())))
                        .put("applied_at_seconds", seconds(w.getAppliedAtNs()))
                        .put("decided_at_seconds", seconds(w.getDecidedAtNs())).put("verdict", w.getVerdict())
                        .put("rolled_back_at_seconds", seconds(w.getRolledBackAtNs()))
                        .put("guards", guards(w.getGuardsList()))
                        .put("apply_errnos", counts(w.getApplyErrnosMap()))
                        .put("rollback_errnos", counts(w.getRollbackErrnosMap())));
            }
            out.add(new JsonObject().put("name", r.getName()).put("outcome", r.getOutcome()).put("waves", waves));
        }
        return out;
    }

    private static JsonArray guards(List<GuardValue> guards) {
        JsonArray out = new JsonArray();
        for (GuardValue g : guards) {
            out.add(new JsonObject().put("cgroup", g.getCgroup()).put("metric", g.getMetric())
                    .put("aggregate", g.getAggregate()).put("value", g.getValue()).put("threshold", g.getThreshold())
                    .put("tripped", g.getTripped()));
        }
        return out;
    }

    private static JsonObject counts(Map<String, Long> m) {
        JsonObject o = new JsonObject();
        new TreeMap<>(m).forEach(o::put);
        return o;
    }

    private static Object seconds(long ns) {
        return ns < 0 ? null : ns / 1e9;
    }
}
