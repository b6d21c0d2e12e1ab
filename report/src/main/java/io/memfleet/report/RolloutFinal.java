package io.memfleet.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How one rollout of the experiment went, as summary.json says: its outcome and its waves. */
public record RolloutFinal(String name, String outcome, List<Wave> waves) {
    /** One rule as measured over a wave. */
    public record Guard(String cgroup, String metric, String aggregate, double value, double threshold, boolean tripped) {
        /** "failcnt p99 over /web 7477 > 1000". */
        public String describe() {
            return metric + " " + aggregate.replace('_', ' ') + " over " + cgroup + " " + Units.number(value)
                    + (tripped ? " > " : " <= ") + Units.number(threshold);
        }
    }

    /** One wave: its share and nodes, when it was applied, decided and rolled back (NaN: never), and its writes. */
    public record Wave(int wave, double share, List<Integer> nodes, double appliedAt, double decidedAt, String verdict,
                       double rolledBackAt, List<Guard> guards, Map<String, Long> applyErrnos,
                       Map<String, Long> rollbackErrnos) { }

    static List<RolloutFinal> read(JsonNode rollouts) {
        List<RolloutFinal> out = new ArrayList<>();
        for (JsonNode r : rollouts) {
            List<Wave> waves = new ArrayList<>();
            for (JsonNode w : r.path("waves")) {
                List<Integer> nodes = new ArrayList<>();
                w.path("node_indices").forEach(n -> nodes.add(n.asInt()));
                List<Guard> guards = new ArrayList<>();
                for (JsonNode g : w.path("guards")) {
                    guards.add(new Guard(g.path("cgroup").asText(), g.path("metric").asText(), g.path("aggregate").asText(),
                            g.path("value").asDouble(), g.path("threshold").asDouble(), g.path("tripped").asBoolean()));
                }
                waves.add(new Wave(w.path("wave").asInt(), w.path("share").asDouble(), nodes, time(w, "applied_at_seconds"),
                        time(w, "decided_at_seconds"), w.path("verdict").asText(), time(w, "rolled_back_at_seconds"),
                        guards, counts(w.path("apply_errnos")), counts(w.path("rollback_errnos"))));
            }
            out.add(new RolloutFinal(r.path("name").asText(), r.path("outcome").asText(), waves));
        }
        return out;
    }

    private static double time(JsonNode w, String field) {
        JsonNode n = w.path(field);
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    private static Map<String, Long> counts(JsonNode n) {
        Map<String, Long> out = new TreeMap<>();
        n.properties().forEach(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }
}
