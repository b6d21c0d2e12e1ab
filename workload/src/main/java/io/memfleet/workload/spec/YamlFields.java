package io.memfleet.workload.spec;

import io.memfleet.common.Suggestions;
import io.memfleet.kernel.api.InvalidCommandException;
import io.memfleet.kernel.api.Units;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reading one YAML value after another with the errors the experiment file promises: each names
 * the source, the line and the field ({@code x.yaml:9: field 'cgroups[0].limit': ...}).
 */
abstract class YamlFields {
    final String source;

    YamlFields(String source) {
        this.source = source;
    }

    /** An error at {@code n}: its file and line, or the {@code --set} argument it came from. */
    final ExperimentException error(Node n, String field, String msg) {
        String setBy = Overrides.setBy(n);
        if (setBy != null) {
            return new ExperimentException(setBy, 0, field, msg);
        }
        int line = n == null ? 1 : n.getStartMark().getLine() + 1;
        return new ExperimentException(source, line, field, msg);
    }

    final MappingNode mapping(Node n, String field) throws ExperimentException {
        if (!(n instanceof MappingNode m)) {
            throw error(n, field, "expected a mapping");
        }
        return m;
    }

    final Map<String, Node> fields(MappingNode m, String prefix, Set<String> allowed) throws ExperimentException {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode(), prefix + "(key)");
            if (!allowed.contains(key)) {
                throw error(t.getKeyNode(), prefix + key, "unknown field" + Suggestions.didYouMean(key, allowed)
                        + " (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
            if (out.put(key, t.getValueNode()) != null) {
                throw error(t.getKeyNode(), prefix + key, "given twice");
            }
        }
        return out;
    }

    final String scalar(Node n, String field) throws ExperimentException {
        if (!(n instanceof ScalarNode s)) {
            throw error(n, field, "expected a single value");
        }
        return s.getValue();
    }

    final String string(Map<String, Node> f, String key, String prefix, boolean required) throws ExperimentException {
        Node n = f.get(key);
        if (n == null) {
            if (required) {
                throw error(null, prefix + key, "required");
            }
            return "";
        }
        return scalar(n, prefix + key);
    }

    final long number(Map<String, Node> f, String key, String prefix, long dflt, long min, long max)
            throws ExperimentException {
        Node n = f.get(key);
        if (n == null) {
            if (dflt < min) {
                throw error(null, prefix + key, "required");
            }
            return dflt;
        }
        String v = scalar(n, prefix + key);
        try {
            long x = Long.parseLong(v);
            if (x >= min && x <= max) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(n, prefix + key, "expected an integer from " + min + " to " + max + ", got '" + v + "'");
    }

    final boolean bool(Map<String, Node> f, String key, String prefix) throws ExperimentException {
        String v = scalar(f.get(key), prefix + key);
        return switch (v) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw error(f.get(key), prefix + key, "expected true or false, got '" + v + "'");
        };
    }

    final long size(Map<String, Node> f, String key, String prefix, long dflt) throws ExperimentException {
        Node n = f.get(key);
        if (n == null) {
            return dflt;
        }
        String text = scalar(n, prefix + key);
        try {
            return Units.parseSize(text);
        } catch (InvalidCommandException e) {
            throw error(n, prefix + key, "expected a size such as 512M or 2G, got '" + text + "'");
        }
    }

    final double speed(Map<String, Node> f) throws ExperimentException {
        Node n = f.get("speed");
        if (n == null) {
            return 0;
        }
        String v = scalar(n, "speed");
        try {
            double d = Double.parseDouble(v);
            if (d > 0 && d <= 1e6) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(n, "speed", "expected a pace in times real time, above 0 and at most 1000000 (e.g. 1, 10), got '"
                + v + "'");
    }

    final long limit(Map<String, Node> f, String key, String prefix) throws ExperimentException {
        String v = scalar(f.get(key), prefix + key);
        return v.equals("-1") || v.equals("unlimited") ? -1 : size(f, key, prefix, 0);
    }

    final long duration(Map<String, Node> f, String key, String prefix, long dflt) throws ExperimentException {
        Node n = f.get(key);
        if (n == null) {
            if (dflt < 0) {
                throw error(null, prefix + key, "required");
            }
            return dflt;
        }
        String text = scalar(n, prefix + key);
        try {
            long v = Units.parseDuration(text);
            if (v > 0) {
                return v;
            }
        } catch (InvalidCommandException e) {
            // reported below
        }
        throw error(n, prefix + key, "expected a duration such as 100ms, 30s or 1h, got '" + text + "'");
    }
}
