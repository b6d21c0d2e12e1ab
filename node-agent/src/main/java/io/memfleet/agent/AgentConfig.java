package io.memfleet.agent;

import io.memfleet.common.Durations;
import io.memfleet.common.Topics;
import io.memfleet.kernel.api.KernelConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The node-agent's configuration, built once from a table of parameters (flag, environment
 * variable, default, doc) and command-line arguments.
 */
public record AgentConfig(String bootstrap, String topicPrefix, int partitions, String groupId,
                          long telemetryIntervalNs, long commitIntervalMs, KernelConfig kernel, String clientId) {

    /** One parameter: its flag, the environment variable that can set it, its default and meaning. */
    public record Param(String flag, String env, String defaultValue, String doc) { }

    public static final List<Param> PARAMS = List.of(
            new Param("--bootstrap", "MEMFLEET_BOOTSTRAP", "",
                    "Kafka bootstrap servers; empty starts an embedded single-node broker"),
            new Param("--topic-prefix", "MEMFLEET_TOPIC_PREFIX", Topics.DEFAULT_PREFIX, "prefix of every topic name"),
            new Param("--partitions", "MEMFLEET_PARTITIONS", Integer.toString(Topics.DEFAULT_PARTITIONS),
                    "partitions of the per-node topics (used when creating them)"),
            new Param("--group", "MEMFLEET_GROUP", "", "consumer group of the agents (default: <prefix>-agents)"),
            new Param("--telemetry-interval", "MEMFLEET_TELEMETRY_INTERVAL", "1s",
                    "simulated time between telemetry samples of a node (ns, us, ms, s, m)"),
            new Param("--commit-interval-ms", "MEMFLEET_COMMIT_INTERVAL_MS", "5000",
                    "wall time between snapshot+offset commits"),
            new Param("--kernel", "MEMFLEET_KERNEL", "", "kernel options: " + KernelConfig.OPTIONS),
            new Param("--client-id", "MEMFLEET_CLIENT_ID", "memfleet-agent", "Kafka client id"));

    /** Parses arguments (flags from {@link #PARAMS}), falling back to the environment, then defaults. */
    public static AgentConfig parse(String[] args, Function<String, String> env) {
        Map<String, String> v = new LinkedHashMap<>();
        for (Param p : PARAMS) {
            String e = env.apply(p.env());
            v.put(p.flag(), e != null ? e : p.defaultValue());
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String val = null;
            int eq = a.indexOf('=');
            if (eq > 0) {
                val = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            if (!v.containsKey(a)) {
                throw new IllegalArgumentException("unknown option '" + a + "'");
            }
            if (val == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                val = args[++i];
            }
            v.put(a, val);
        }
        String prefix = v.get("--topic-prefix");
        String group = v.get("--group").isEmpty() ? prefix + "-agents" : v.get("--group");
        return new AgentConfig(v.get("--bootstrap"), prefix, positiveInt(v.get("--partitions"), "--partitions"), group,
                durationNs(v.get("--telemetry-interval")), positiveInt(v.get("--commit-interval-ms"), "--commit-interval-ms"),
                KernelConfig.parse(v.get("--kernel")), v.get("--client-id"));
    }

    public Topics topics() {
        return new Topics(topicPrefix, partitions);
    }

    public AgentConfig withBootstrap(String b) {
        return new AgentConfig(b, topicPrefix, partitions, groupId, telemetryIntervalNs, commitIntervalMs, kernel, clientId);
    }

    public AgentConfig withClientId(String id) {
        return new AgentConfig(bootstrap, topicPrefix, partitions, groupId, telemetryIntervalNs, commitIntervalMs, kernel, id);
    }

    public static String help() {
        List<String> lines = new ArrayList<>();
        for (Param p : PARAMS) {
            lines.add(String.format("  %-22s %s (env %s, default '%s')", p.flag() + " V", p.doc(), p.env(), p.defaultValue()));
        }
        return String.join("\n", lines) + "\n";
    }

    private static int positiveInt(String s, String what) {
        try {
            int n = Integer.parseInt(s);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " must be a positive integer, got '" + s + "'");
    }

    /** Parses 500ms, 2s, 1m ... into nanoseconds. */
    public static long durationNs(String s) {
        Long ns = Durations.parseNs(s);
        if (ns == null || ns <= 0) {
            throw new IllegalArgumentException("bad duration '" + s + "' (e.g. 500ms, 1s)");
        }
        return ns;
    }
}
