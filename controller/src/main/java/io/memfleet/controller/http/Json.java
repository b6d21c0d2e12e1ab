package io.memfleet.controller.http;

import io.memfleet.controller.model.CacheAggregate;
import io.memfleet.controller.model.CgroupAggregate;
import io.memfleet.controller.model.FleetState;
import io.memfleet.controller.model.RolloutStatus;
import io.memfleet.controller.model.Stats;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.NodeSelector;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.SlabCacheSample;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** JSON views of the fleet model for the HTTP API, and parsing of configuration requests. */
public final class Json {
    private Json() {
    }

    static JsonObject stats(Stats s) {
        return new JsonObject().put("min", s.min()).put("p50", s.p50()).put("p99", s.p99()).put("max", s.max())
                .put("sum", s.sum());
    }

    public static JsonObject aggregate(CgroupAggregate a) {
        return new JsonObject().put("cgroup", a.path()).put("nodes", a.nodes()).put("usage_in_bytes", stats(a.usage()))
                .put("kmem_usage_in_bytes", stats(a.kmemUsage())).put("failcnt", stats(a.failcnt()))
                .put("oom_kills", a.oomKills()).put("alloc_failures", a.allocFailures())
                .put("live_caches", a.liveCaches()).put("dead_caches", a.deadCaches());
    }

    public static JsonArray aggregates(FleetState f) {
        JsonArray a = new JsonArray();
        f.cgroupAggregates().forEach(x -> a.add(aggregate(x)));
        return a;
    }

    static JsonArray caches(FleetState f) {
        JsonArray a = new JsonArray();
        for (CacheAggregate c : f.cacheAggregates()) {
            a.add(new JsonObject().put("slab", c.name()).put("caches", c.caches()).put("dead_caches", c.deadCaches())
                    .put("active_objs", c.activeObjs()).put("num_objs", c.numObjs()).put("num_slabs", c.numSlabs())
                    .put("bytes", c.bytes()));
        }
        return a;
    }

    static JsonObject fleet(FleetState f) {
        return new JsonObject().put("nodes", f.nodes().size()).put("telemetry_records", f.telemetryRecords())
                .put("cgroups", aggregates(f)).put("caches", caches(f));
    }

    static JsonArray nodes(FleetState f) {
        JsonArray a = new JsonArray();
        f.nodes().forEach((id, t) -> a.add(new JsonObject().put("node", id).put("sim_time_ns", t.getSimTimeNs())
                .put("seq", t.getSeq()).put("cgroups", t.getCgroupsCount()).put("oom_kills", f.oomKills(id))
                .put("mem_free_kb", t.getMeminfo().getMemFreeKb()).put("slab_kb", t.getMeminfo().getSlabKb())));
        return a;
    }

    static JsonObject node(NodeTelemetry t) {
        JsonArray cgroups = new JsonArray();
        for (CgroupSample g : t.getCgroupsList()) {
            JsonObject stat = new JsonObject();
            g.getStatMap().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> stat.put(e.getKey(), e.getValue()));
            cgroups.add(new JsonObject().put("path", g.getPath()).put("css_id", g.getCssId())
                    .put("usage_in_bytes", g.getUsageInBytes()).put("max_usage_in_bytes", g.getMaxUsageInBytes())
                    .put("limit_in_bytes", Long.toUnsignedString(g.getLimitInBytes())).put("failcnt", g.getFailcnt())
                    .put("memsw_usage_in_bytes", g.getMemswUsageInBytes())
                    .put("kmem_usage_in_bytes", g.getKmemUsageInBytes())
                    .put("kmem_limit_in_bytes", Long.toUnsignedString(g.getKmemLimitInBytes()))
                    .put("under_oom", g.getUnderOom()).put("tasks", g.getTasks()).put("stat", stat));
        }
        JsonArray caches = new JsonArray();
        for (SlabCacheSample c : t.getCachesList()) {
            caches.add(new JsonObject().put("name", c.getName()).put("memcg", c.getMemcgPath()).put("dead", c.getDead())
                    .put("active_objs", c.getActiveObjs()).put("num_objs", c.getNumObjs()).put("objsize", c.getObjsize())
                    .put("num_slabs", c.getNumSlabs()));
        }
        return new JsonObject().put("node", t.getNodeId()).put("sim_time_ns", t.getSimTimeNs()).put("seq", t.getSeq())
                .put("cgroups", cgroups).put("caches", caches);
    }

    static JsonObject rollout(RolloutStatus s) {
        JsonObject nodes = new JsonObject();
        s.nodes().forEach((n, r) -> nodes.put(n, new JsonObject().put("state", r.state().name().toLowerCase(java.util.Locale.ROOT))
                .put("errno", new JsonObject(new java.util.LinkedHashMap<>(r.failedFiles())))));
        return new JsonObject().put("rollout_id", s.rollout().getRolloutId()).put("generation", s.rollout().getGeneration())
                .put("acked", s.count(RolloutStatus.State.ACKED)).put("failed", s.count(RolloutStatus.State.FAILED))
                .put("pending", s.count(RolloutStatus.State.PENDING)).put("nodes", nodes);
    }

    /** Reads a rollout request; throws IllegalArgumentException naming the bad field. */
    static ConfigRollout parseRollout(JsonObject j, long generation) {
        String id = j.getString("rollout_id");
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("rollout_id is required");
        }
        NodeSelector.Builder sel = NodeSelector.newBuilder();
        JsonObject s = j.getJsonObject("selector", new JsonObject().put("all", true));
        sel.setAll(s.getBoolean("all", false)).setNodeIdPrefix(s.getString("prefix", ""));
        s.getJsonArray("nodes", new JsonArray()).forEach(n -> sel.addNodeIds(String.valueOf(n)));
        ConfigRollout.Builder b = ConfigRollout.newBuilder().setRolloutId(id).setGeneration(generation).setSelector(sel);
        JsonArray cgroups = j.getJsonArray("cgroups");
        if (cgroups == null || cgroups.isEmpty()) {
            throw new IllegalArgumentException("cgroups: a non-empty list is required");
        }
        for (int i = 0; i < cgroups.size(); i++) {
            JsonObject c = cgroups.getJsonObject(i);
            String path = c.getString("path", "");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("cgroups[" + i + "].path must start with '/'");
            }
            CgroupConfig.Builder g = CgroupConfig.newBuilder().setPath(path);
            for (String k : c.fieldNames()) {
                Object v = c.getValue(k);
                switch (k) {
                    case "path" -> { }
                    case "limit_in_bytes" -> g.setLimitInBytes(((Number) v).longValue());
                    case "soft_limit_in_bytes" -> g.setSoftLimitInBytes(((Number) v).longValue());
                    case "memsw_limit_in_bytes" -> g.setMemswLimitInBytes(((Number) v).longValue());
                    case "kmem_limit_in_bytes" -> g.setKmemLimitInBytes(((Number) v).longValue());
                    case "kmem_independent" -> g.setKmemIndependent((Boolean) v);
                    case "use_hierarchy" -> g.setUseHierarchy((Boolean) v);
                    case "oom_kill_disable" -> g.setOomKillDisable((Boolean) v);
                    case "swappiness" -> g.setSwappiness(((Number) v).intValue());
                    case "move_charge_at_immigrate" -> g.setMoveChargeAtImmigrate(((Number) v).intValue());
                    default -> throw new IllegalArgumentException("cgroups[" + i + "]." + k + ": unknown field");
                }
            }
            b.addCgroups(g);
        }
        return b.build();
    }
}
