package io.memfleet.controller.http;

import io.memfleet.controller.experiment.ExperimentManager;
import io.memfleet.controller.model.FleetState;
import io.memfleet.controller.model.RolloutStatus;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentSeries;
import io.memfleet.proto.v1.NodeTelemetry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The live dashboard's feed: {@code GET /api/stream?experiment=ID} is a Server-Sent Events stream
 * that sends, once a second, the experiments with their progress, the fleet's per-cgroup
 * aggregates, the slab caches and the rollouts, and the selected experiment's time series points
 * made since the last message (all of them in the first). {@code GET /api/distribution?cgroup=P}
 * is one cgroup's values on every node, largest usage first (the drill-down). Both run on the
 * controller's event loop, where the state lives.
 */
final class DashboardStream {
    static final long PERIOD_MS = 1000;

    private final Vertx vertx;
    private final FleetState fleet;
    private final ExperimentManager experiments;

    DashboardStream(Vertx vertx, FleetState fleet, ExperimentManager experiments) {
        this.vertx = vertx;
        this.fleet = fleet;
        this.experiments = experiments;
    }

    void handleStream(RoutingContext ctx) {
        String selected = ctx.request().getParam("experiment", "");
        HttpServerResponse res = ctx.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
        int[] sent = {0};
        Runnable push = () -> res.write("event: update\ndata: " + update(selected, sent).encode() + "\n\n");
        push.run();
        long timer = vertx.setPeriodic(PERIOD_MS, id -> push.run());
        res.closeHandler(v -> vertx.cancelTimer(timer));
        res.exceptionHandler(e -> vertx.cancelTimer(timer));
    }

    /** One message; {@code sent[0]} counts the selected experiment's points already sent. */
    JsonObject update(String selected, int[] sent) {
        JsonArray list = new JsonArray();
        experiments.all().stream().sorted(Comparator.comparingLong(Experiment::getSubmittedAtMs).reversed()
                .thenComparing(Experiment::getId)).forEach(e -> list.add(Json.experiment(e).put("summary", (Object) null)));
        JsonArray rollouts = new JsonArray();
        for (RolloutStatus r : fleet.rollouts().values()) {
            JsonArray cgroups = new JsonArray();
            for (CgroupConfig c : r.rollout().getCgroupsList()) {
                JsonObject j = new JsonObject().put("path", c.getPath());
                if (c.hasLimitInBytes()) {
                    j.put("limit_in_bytes", c.getLimitInBytes());
                }
                if (c.hasKmemLimitInBytes()) {
                    j.put("kmem_limit_in_bytes", c.getKmemLimitInBytes());
                }
                if (c.hasMemswLimitInBytes()) {
                    j.put("memsw_limit_in_bytes", c.getMemswLimitInBytes());
                }
                cgroups.add(j);
            }
            rollouts.add(new JsonObject().put("rollout_id", r.rollout().getRolloutId())
                    .put("generation", r.rollout().getGeneration()).put("acked", r.count(RolloutStatus.State.ACKED))
                    .put("failed", r.count(RolloutStatus.State.FAILED)).put("pending", r.count(RolloutStatus.State.PENDING))
                    .put("cgroups", cgroups));
        }
        JsonObject msg = new JsonObject().put("experiments", list).put("fleet", Json.fleet(fleet)).put("rollouts", rollouts);
        if (!selected.isEmpty() && experiments.get(selected) != null) {
            JsonArray fresh = new JsonArray();
            int at = 0;
            for (ExperimentSeries chunk : experiments.series(selected)) {
                for (io.memfleet.proto.v1.SeriesPoint p : chunk.getPointsList()) {
                    if (at++ >= sent[0]) {
                        fresh.add(Json.point(p)); // only what this client has not had
                    }
                }
            }
            sent[0] = at;
            msg.put("experiment", selected).put("points", fresh);
        }
        return msg;
    }

    void handleDistribution(RoutingContext ctx) {
        String cgroup = ctx.request().getParam("cgroup");
        if (cgroup == null || cgroup.isEmpty()) {
            ControllerVerticle.error(ctx, 400, "the cgroup parameter is required, e.g. ?cgroup=/web");
            return;
        }
        String experiment = ctx.request().getParam("experiment");
        List<JsonObject> rows = new ArrayList<>();
        for (NodeTelemetry t : fleet.nodes(experiment)) {
            for (CgroupSample g : t.getCgroupsList()) {
                if (g.getPath().equals(cgroup)) {
                    rows.add(new JsonObject().put("node", t.getNodeId()).put("usage_in_bytes", g.getUsageInBytes())
                            .put("kmem_usage_in_bytes", g.getKmemUsageInBytes()).put("failcnt", g.getFailcnt()));
                }
            }
        }
        rows.sort(Comparator.comparingLong((JsonObject j) -> j.getLong("usage_in_bytes")).reversed()
                .thenComparing(j -> j.getString("node")));
        ControllerVerticle.json(ctx, 200, new JsonObject().put("cgroup", cgroup).put("nodes", new JsonArray(rows)));
    }
}
