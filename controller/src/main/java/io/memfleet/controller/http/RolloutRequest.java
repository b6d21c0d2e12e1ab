package io.memfleet.controller.http;

import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.NodeSelector;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The body of {@code POST /api/config}, read field by field with each field's type checked before
 * it is used: every mistake is a {@link Invalid} naming the field and what was expected, nothing is
 * coerced, and no field is read by a cast that could fail.
 */
final class RolloutRequest {
    /** A request that is not a rollout, with why (the field and what it needs). */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String why) {
            super(why, null, false, false);
        }
    }

    private RolloutRequest() {
    }

    /** The rollout a request body asks for, at {@code generation}. */
    static ConfigRollout parse(String body, long generation) throws Invalid {
        Object doc;
        try {
            doc = body == null || body.isBlank() ? null : Json.decodeValue(body);
        } catch (DecodeException e) {
            doc = null;
        }
        if (!(doc instanceof JsonObject j)) {
            throw new Invalid("the body must be a JSON object: {\"rollout_id\": ..., \"cgroups\": [...]}");
        }
        String id = string(j, "rollout_id", null);
        if (id == null || id.isBlank()) {
            throw new Invalid("rollout_id is required");
        }
        ConfigRollout.Builder b = ConfigRollout.newBuilder().setRolloutId(id).setGeneration(generation)
                .setSelector(selector(object(j, "selector", new JsonObject().put("all", true), "selector")));
        JsonArray cgroups = array(j, "cgroups", "cgroups");
        if (cgroups == null || cgroups.isEmpty()) {
            throw new Invalid("cgroups: a non-empty list is required");
        }
        for (int i = 0; i < cgroups.size(); i++) {
            if (!(cgroups.getValue(i) instanceof JsonObject c)) {
                throw new Invalid("cgroups[" + i + "]: expected an object, got " + shown(cgroups.getValue(i)));
            }
            b.addCgroups(cgroup(c, "cgroups[" + i + "]"));
        }
        return b.build();
    }

    private static NodeSelector selector(JsonObject s) throws Invalid {
        NodeSelector.Builder sel = NodeSelector.newBuilder();
        Object all = s.getValue("all", false);
        sel.setAll(flag("selector.all", all)).setNodeIdPrefix(string(s, "prefix", "selector.prefix", ""));
        JsonArray nodes = array(s, "nodes", "selector.nodes");
        if (nodes != null) {
            for (int i = 0; i < nodes.size(); i++) {
                if (!(nodes.getValue(i) instanceof String n)) {
                    throw new Invalid("selector.nodes[" + i + "]: expected a node id, got " + shown(nodes.getValue(i)));
                }
                sel.addNodeIds(n);
            }
        }
        return sel.build();
    }

    private static CgroupConfig cgroup(JsonObject c, String at) throws Invalid {
        String path = string(c, "path", at + ".path", "");
        if (!path.startsWith("/")) {
            throw new Invalid(at + ".path must start with '/'");
        }
        CgroupConfig.Builder g = CgroupConfig.newBuilder().setPath(path);
        for (Map.Entry<String, Object> e : c) {
            String f = at + "." + e.getKey();
            Object v = e.getValue();
            switch (e.getKey()) {
                case "path" -> { }
                case "limit_in_bytes" -> g.setLimitInBytes(limit(f, v));
                case "soft_limit_in_bytes" -> g.setSoftLimitInBytes(limit(f, v));
                case "memsw_limit_in_bytes" -> g.setMemswLimitInBytes(limit(f, v));
                case "kmem_limit_in_bytes" -> g.setKmemLimitInBytes(limit(f, v));
                case "kmem_independent" -> g.setKmemIndependent(flag(f, v));
                case "use_hierarchy" -> g.setUseHierarchy(flag(f, v));
                case "oom_kill_disable" -> g.setOomKillDisable(flag(f, v));
                case "swappiness" -> g.setSwappiness((int) integer(f, v, 0, 100));
                case "move_charge_at_immigrate" -> g.setMoveChargeAtImmigrate((int) integer(f, v, 0, 3));
                default -> throw new Invalid(f + ": unknown field");
            }
        }
        return g.build();
    }

    private static String string(JsonObject j, String key, String orElse) throws Invalid {
        return string(j, key, key, orElse);
    }

    private static String string(JsonObject j, String key, String field, String orElse) throws Invalid {
        return typed(j, key, String.class, orElse, field, "a string");
    }

    private static JsonObject object(JsonObject j, String key, JsonObject orElse, String field) throws Invalid {
        return typed(j, key, JsonObject.class, orElse, field, "an object");
    }

    private static JsonArray array(JsonObject j, String key, String field) throws Invalid {
        return typed(j, key, JsonArray.class, null, field, "a list");
    }

    /** The value of {@code key} when it is a {@code type} ({@code orElse} when absent); else why not. */
    private static <T> T typed(JsonObject j, String key, Class<T> type, T orElse, String field, String expected)
            throws Invalid {
        Object v = j.getValue(key);
        if (v == null) {
            return orElse;
        }
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        throw new Invalid(field + ": expected " + expected + ", got " + shown(v));
    }

    /** A limit in bytes: -1 (unlimited) or 0 to 2^63-1, an integer, nothing coerced. */
    static long limit(String field, Object v) throws Invalid {
        if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() >= -1) {
            return ((Number) v).longValue();
        }
        throw new Invalid(field + ": expected an integer number of bytes, -1 (unlimited) or 0 to "
                + Long.MAX_VALUE + ", got " + shown(v));
    }

    static long integer(String field, Object v, long min, long max) throws Invalid {
        if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() >= min && ((Number) v).longValue() <= max) {
            return ((Number) v).longValue();
        }
        throw new Invalid(field + ": expected an integer from " + min + " to " + max + ", got " + shown(v));
    }

    static boolean flag(String field, Object v) throws Invalid {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new Invalid(field + ": expected true or false, got " + shown(v));
    }

    private static String shown(Object v) {
        return v instanceof String s ? "the string \"" + s + "\"" : String.valueOf(v);
    }
}
