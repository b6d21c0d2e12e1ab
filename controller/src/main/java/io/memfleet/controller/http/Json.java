package io.memfleet.controller.http;

import io.memfleet.controller.model.CacheAggregate;
import io.memfleet.controller.model.CgroupAggregate;
import io.memfleet.controller.model.FleetState;
import io.memfleet.controller.model.RolloutStatus;
import io.memfleet.controller.model.Stats;
import io.memfleet.proto.v1.CacheSummary;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.CgroupSummary;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.ExperimentSummary;
import io.memfleet.proto.v1.Progress;
import io.memfleet.proto.v1.StatSummary;
import io.memfleet.workload.spec.ExperimentException;
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

    static JsonArray aggregates(FleetState f, java.util.List<CgroupAggregate> aggs) {
        JsonArray a = new JsonArray();
        aggs.forEach(x -> a.add(aggregate(x)));
        return a;
    }

    static JsonArray caches(java.util.List<CacheAggregate> aggs) {
        JsonArray a = new JsonArray();
        for (CacheAggregate c : aggs) {
            a.add(new JsonObject().put("slab", c.name()).put("caches", c.caches()).put("dead_caches", c.deadCaches())
                    .put("active_objs", c.activeObjs()).put("num_objs", c.numObjs()).put("num_slabs", c.numSlabs())
                    .put("bytes", c.bytes()));
        }
        return a;
    }

    static JsonObject fleet(FleetState f) {
        return new JsonObject().put("nodes", f.nodes().size()).put("telemetry_records", f.telemetryRecords())
                .put("experiments", new JsonArray(f.experiments()))
                .put("cgroups", aggregates(f, f.cgroupAggregates())).put("caches", caches(f.cacheAggregates()));
    }

    static JsonObject experiment(Experiment e) {
        Progress p = e.getProgress();
        double fraction = e.getDurationNs() <= 0 ? 0 : Math.min(1.0, (double) p.getSimTimeNs() / e.getDurationNs());
        if (e.getState() == ExperimentState.DONE) {
            fraction = 1.0;
        }
        JsonObject j = new JsonObject().put("id", e.getId()).put("name", e.getName())
                .put("state", e.getState().name().toLowerCase(java.util.Locale.ROOT))
                .put("nodes", e.getNodes()).put("duration_seconds", e.getDurationNs() / 1e9)
                .put("submitted_at_ms", e.getSubmittedAtMs()).put("updated_at_ms", e.getUpdatedAtMs())
                .put("source", e.getSubmission().getSource())
                .put("progress", new JsonObject().put("simulated_seconds", p.getSimTimeNs() / 1e9)
                        .put("fraction", fraction).put("nodes_finished", p.getNodesFinished())
                        .put("events_published", p.getEventsPublished()).put("events_applied", p.getEventsApplied())
                        .put("partitions_generated", p.getPartitionsGenerated()).put("partitions", p.getPartitions()));
        if (!e.getReason().isEmpty()) {
            j.put("reason", e.getReason());
        }
        if (e.getRolloutsCount() > 0) {
            j.put("rollouts", RolloutJson.schedule(e.getRolloutsList(), e.getDurationNs()));
        }
        if (e.getDecisionsCount() > 0) {
            j.put("rollout_decisions", RolloutJson.decisions(e.getDecisionsList()));
        }
        if (e.hasSummary()) {
            j.put("summary", summary(e.getSummary()));
        }
        return j;
    }

    /** The summary as summary.json shows it: deterministic, the same however the experiment ran. */
    public static JsonObject summary(ExperimentSummary s) {
        JsonArray cgroups = new JsonArray();
        for (CgroupSummary c : s.getCgroupsList()) {
            JsonObject j = new JsonObject().put("cgroup", c.getPath()).put("nodes", c.getNodes())
                    .put("usage_in_bytes", stat(c.getUsageInBytes())).put("kmem_usage_in_bytes", stat(c.getKmemUsageInBytes()))
                    .put("failcnt", stat(c.getFailcnt())).put("oom_kills", c.getOomKills())
                    .put("alloc_failures", c.getAllocFailures()).put("live_caches", c.getLiveCaches())
                    .put("dead_caches", c.getDeadCaches());
            if (c.hasLimitInBytes()) { // a summary of an older controller has none of these
                j.put("oom_nodes", c.getOomNodes()).put("alloc_failure_nodes", c.getAllocFailureNodes())
                        .put("first_oom_kill_s", c.hasFirstOomKillNs() ? seconds(c.getFirstOomKillNs()) : null)
                        .put("first_alloc_failure_s", c.hasFirstAllocFailureNs() ? seconds(c.getFirstAllocFailureNs()) : null)
                        .put("limit_in_bytes", range(c.getLimitInBytes()))
                        .put("memsw_limit_in_bytes", range(c.getMemswLimitInBytes()))
                        .put("kmem_limit_in_bytes", range(c.getKmemLimitInBytes()));
            }
            cgroups.add(j);
        }
        JsonArray caches = new JsonArray();
        for (CacheSummary c : s.getCachesList()) {
            caches.add(new JsonObject().put("slab", c.getSlab()).put("caches", c.getCaches())
                    .put("dead_caches", c.getDeadCaches()).put("active_objs", c.getActiveObjs())
                    .put("num_objs", c.getNumObjs()).put("num_slabs", c.getNumSlabs()).put("bytes", c.getBytes()));
        }
        JsonObject out = new JsonObject().put("nodes", s.getNodes()).put("events", s.getEvents())
                .put("telemetry_samples", s.getTelemetrySamples()).put("cgroups", cgroups).put("caches", caches);
        if (s.hasCssIds()) {
            out.put("dying", new JsonObject().put("dying_memcgs", stat(s.getDyingMemcgs())).put("css_ids", stat(s.getCssIds()))
                    .put("pinned_kmem_bytes", stat(s.getPinnedKmemBytes())).put("mkdir_enospc", s.getMkdirEnospc()));
        }
        if (s.getRolloutsCount() > 0) {
            out.put("rollouts", RolloutJson.summary(s.getRolloutsList()));
        }
        return out;
    }

    /** A limit over the nodes: its smallest and largest value (a sum of limits means nothing). */
    static JsonObject range(io.memfleet.proto.v1.StatSummary s) {
        return new JsonObject().put("min", s.getMin()).put("max", s.getMax());
    }

    /** Simulated nanoseconds as seconds (to the millisecond, so that the figure reads as it was meant). */
    static double seconds(long ns) {
        return Math.round(ns / 1_000_000.0) / 1000.0;
    }

    /** An experiment's time series as a JSON array of points, in (time, cgroup) order. */
    public static JsonArray series(java.util.List<io.memfleet.proto.v1.ExperimentSeries> chunks) {
        JsonArray out = new JsonArray();
        for (io.memfleet.proto.v1.ExperimentSeries c : chunks) {
            c.getPointsList().forEach(p -> out.add(point(p)));
        }
        return out;
    }

    /** One point of a series: a cgroup's statistics at a time, or a root slab cache's. */
    static JsonObject point(io.memfleet.proto.v1.SeriesPoint p) {
        if (!p.getSlab().isEmpty()) {
            return new JsonObject().put("sim_seconds", p.getSimTimeNs() / 1e9).put("slab", p.getSlab())
                    .put("caches", p.getSlabCaches()).put("live_caches", p.getLiveCaches())
                    .put("dead_caches", p.getDeadCaches()).put("active_objs", p.getSlabActiveObjs())
                    .put("bytes", p.getSlabPageBytes());
        }
        JsonObject j = new JsonObject().put("sim_seconds", p.getSimTimeNs() / 1e9).put("cgroup", p.getCgroup());
        if (!p.getGroup().isEmpty()) {
            j.put("rollout", p.getRollout()).put("group", p.getGroup());
        }
        j.put("nodes", p.getNodes()).put("usage_in_bytes", stat(p.getUsageInBytes()))
                .put("kmem_usage_in_bytes", stat(p.getKmemUsageInBytes())).put("failcnt", stat(p.getFailcnt()))
                .put("oom_kills", p.getOomKills()).put("alloc_failures", p.getAllocFailures())
                .put("live_caches", p.getLiveCaches()).put("dead_caches", p.getDeadCaches());
        if (p.hasDying()) {
            j.put("dying", stat(p.getDying()));
        }
        if (p.hasCssIds()) {
            j.put("dying_memcgs", stat(p.getDyingMemcgs())).put("css_ids", stat(p.getCssIds()))
                    .put("pinned_kmem_bytes", stat(p.getPinnedKmemBytes())).put("mkdir_enospc", p.getMkdirEnospc());
        }
        return j;
    }

    private static JsonObject stat(StatSummary s) {
        return new JsonObject().put("min", s.getMin()).put("p50", s.getP50()).put("p99", s.getP99()).put("max", s.getMax())
                .put("sum", s.getSum());
    }

    /** The 400 body for an invalid experiment file: the whole message, and its parts. */
    static JsonObject invalid(ExperimentException e) {
        JsonObject j = new JsonObject().put("error", e.getMessage()).put("source", e.source()).put("reason", e.reason());
        if (e.line() > 0) {
            j.put("line", e.line());
        }
        if (e.field() != null) {
            j.put("field", e.field());
        }
        return j;
    }

    static JsonArray nodes(FleetState f) {
        JsonArray a = new JsonArray();
        f.nodes().forEach((id, t) -> {
            JsonObject n = new JsonObject().put("node", id).put("sim_time_ns", t.getSimTimeNs())
                    .put("seq", t.getSeq()).put("cgroups", t.getCgroupsCount()).put("oom_kills", f.oomKills(id))
                    .put("mem_free_kb", t.getMeminfo().getMemFreeKb()).put("slab_kb", t.getMeminfo().getSlabKb());
            if (!t.getFailure().isEmpty()) {
                n.put("failure", t.getFailure());
            }
            a.add(n);
        });
        return a;
    }

    static JsonObject node(NodeTelemetry t) {
        JsonArray cgroups = new JsonArray();
        for (CgroupSample g : t.getCgroupsList()) {
            JsonObject stat = new JsonObject();
            for (com.google.protobuf.Descriptors.FieldDescriptor f : g.getStat().getDescriptorForType().getFields()) {
                stat.put(f.getName(), g.getStat().getField(f));
            }
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
                    .put("num_slabs", c.getNumSlabs()).put("dead_caches", FleetState.deadCount(c)));
        }
        JsonArray dying = new JsonArray();
        t.getDyingList().forEach(d -> dying.add(new JsonObject().put("parent", d.getParentPath()).put("count", d.getCount())
                .put("kmem_bytes", d.getKmemBytes()).put("swap_bytes", d.getSwapBytes())));
        return new JsonObject().put("node", t.getNodeId()).put("sim_time_ns", t.getSimTimeNs()).put("seq", t.getSeq())
                .put("cgroups", cgroups).put("caches", caches).put("dying", dying).put("dying_memcgs", t.getDyingMemcgs())
                .put("css_ids_in_use", t.getCssIdsInUse()).put("pinned_kmem_bytes", t.getPinnedKmemBytes())
                .put("mkdir_enospc", t.getMkdirEnospc());
    }

    static JsonObject rollout(RolloutStatus s) {
        JsonObject nodes = new JsonObject();
        s.nodes().forEach((n, r) -> nodes.put(n, new JsonObject().put("state", r.state().name().toLowerCase(java.util.Locale.ROOT))
                .put("errno", new JsonObject(new java.util.LinkedHashMap<>(r.failedFiles())))));
        return new JsonObject().put("rollout_id", s.rollout().getRolloutId()).put("generation", s.rollout().getGeneration())
                .put("revision", s.rollout().getRevision())
                .put("acked", s.count(RolloutStatus.State.ACKED)).put("failed", s.count(RolloutStatus.State.FAILED))
                .put("pending", s.count(RolloutStatus.State.PENDING)).put("nodes", nodes);
    }
}
