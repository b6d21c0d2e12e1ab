package io.memfleet.controller.http;

import io.memfleet.protocol.ExperimentStates;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The live dashboard's feed: {@code GET /api/stream?experiment=ID} is a Server-Sent Events stream
 * that sends, once a second, the experiments with their progress, the fleet's per-cgroup
 * aggregates, the slab caches and the rollouts, and the selected experiment's time series points
 * made since the last message (all of them in the first), and, once it has ended and its nodes are
 * released, its final summary (once). {@code GET /api/distribution?cgroup=P}
 * is one cgroup's values on every node, largest usage first (the drill-down). Both run on the
 * controller's event loop, where the state lives.
 *
 * <p>Slow and hostile clients are bounded: one timer serves every stream and builds the shared
 * part of a message once; at most {@link #MAX_STREAMS} streams are open (503 past that); a client
 * whose connection's write queue is full is skipped (its next message is a resync carrying every
 * point), and one that stays full for {@link #MAX_BEHIND_PERIODS} periods is disconnected. So the
 * controller holds at most about one queued message per stream, whatever its clients read.
 */
final class DashboardStream {
    static final long PERIOD_MS = 1000;
    /** Open streams at most; a dashboard tab holds one. */
    static final int MAX_STREAMS = 100;
    /** Periods a client's write queue may stay full before it is disconnected. */
    static final int MAX_BEHIND_PERIODS = 10;
    /** Bytes a stream's connection may queue before the client counts as behind. */
    static final int WRITE_QUEUE_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final FleetState fleet;
    private final ExperimentManager experiments;
    private final Set<Client> clients = new LinkedHashSet<>();
    private long timer = -1;
    private long refused;
    private long dropped;
    private long resyncs;

    /** One open stream: what it selected, how many of its points it has had, how long it has been behind. */
    private static final class Client {
        final HttpServerResponse res;
        final Runnable close;
        final String selected;
        final StreamPacer pacer = new StreamPacer(MAX_BEHIND_PERIODS);
        int sent;
        boolean resync;
        /** Whether the selected experiment's final summary has been sent (once it has ended). */
        boolean summarySent;

        Client(HttpServerResponse res, Runnable close, String selected) {
            this.res = res;
            this.close = close;
            this.selected = selected;
        }
    }

    /** Counts for /metrics: open streams, streams refused at the bound, clients dropped, resyncs sent. */
    record Counts(int open, long refused, long dropped, long resyncs) { }

    DashboardStream(Vertx vertx, FleetState fleet, ExperimentManager experiments) {
        this.vertx = vertx;
        this.fleet = fleet;
        this.experiments = experiments;
    }

    Counts counts() {
        return new Counts(clients.size(), refused, dropped, resyncs);
    }

    void handleStream(RoutingContext ctx) {
        if (clients.size() >= MAX_STREAMS) {
            refused++;
            ctx.response().putHeader("retry-after", "10");
            ControllerVerticle.error(ctx, 503, "too many dashboard streams open (" + MAX_STREAMS + "); try again later");
            return;
        }
        HttpServerResponse res = ctx.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
        res.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
        Client c = new Client(res, () -> ctx.request().connection().close(), ctx.request().getParam("experiment", ""));
        clients.add(c);
        res.closeHandler(v -> forget(c));
        res.exceptionHandler(e -> forget(c));
        push(c, shared().encode());
        if (timer < 0) {
            timer = vertx.setPeriodic(PERIOD_MS, id -> tick());
        }
    }

    private void forget(Client c) {
        clients.remove(c);
        if (clients.isEmpty() && timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** One period: the shared part built once, then each client's message, skipping those that are behind. */
    private void tick() {
        if (clients.isEmpty()) {
            return;
        }
        String shared = shared().encode();
        for (Client c : List.copyOf(clients)) {
            switch (c.pacer.period(c.res.writeQueueFull())) {
                case SEND -> push(c, shared);
                case RESYNC -> {
                    c.resync = true;
                    push(c, shared);
                }
                case DROP -> {
                    dropped++;
                    forget(c);
                    c.close.run();
                }
                case SKIP -> { }
            }
        }
    }

    /** Writes one message: the shared part (encoded once per period) and this client's new points. */
    private void push(Client c, String shared) {
        StringBuilder msg = new StringBuilder(shared.length() + 256).append("event: update\ndata: ");
        Experiment selected = c.selected.isEmpty() ? null : experiments.get(c.selected);
        if (selected != null) {
            if (c.resync) {
                c.sent = 0; // the client missed messages: it gets every point again and replaces what it has
                c.summarySent = false;
                resyncs++;
            }
            JsonArray fresh = new JsonArray();
            int at = 0;
            for (ExperimentSeries chunk : experiments.series(c.selected)) {
                for (io.memfleet.proto.v1.SeriesPoint p : chunk.getPointsList()) {
                    if (at++ >= c.sent) {
                        fresh.add(Json.point(p)); // only what this client has not had
                    }
                }
            }
            c.sent = at;
            String quoted = new JsonArray().add(c.selected).encode(); // ["id"], escaped as JSON
            msg.append(shared, 0, shared.length() - 1).append(",\"experiment\":")
                    .append(quoted, 1, quoted.length() - 1)
                    .append(",\"points\":").append(fresh.encode()).append(c.resync ? ",\"resync\":true" : "");
            if (!c.summarySent && ExperimentStates.isFinal(selected.getState()) && selected.hasSummary()) {
                // its nodes are released at the end: the page keeps showing it from its summary, sent once
                msg.append(",\"summary\":").append(Json.summary(selected.getSummary()).encode());
                c.summarySent = true;
            }
            msg.append('}');
        } else {
            msg.append(shared);
        }
        c.resync = false;
        c.res.write(msg.append("\n\n").toString());
    }

    /** The part of a message every client gets: experiments, the fleet's aggregates and the rollouts. */
    JsonObject shared() {
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
        return new JsonObject().put("experiments", list).put("fleet", Json.fleet(fleet)).put("rollouts", rollouts);
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
