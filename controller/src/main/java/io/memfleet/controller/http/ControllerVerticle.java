package io.memfleet.controller.http;

import io.memfleet.controller.kafka.FleetFeed;
import io.memfleet.controller.model.FleetState;
import io.memfleet.controller.model.PrometheusText;
import io.memfleet.controller.model.RolloutStatus;
import io.memfleet.proto.v1.ConfigRollout;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The controller's one stateful verticle: it owns the {@link FleetState} (touched only on its event
 * loop), applies batches from the Kafka feed, and serves the HTTP JSON API, /metrics and the dashboard.
 */
public final class ControllerVerticle extends VerticleBase {
    private final String host;
    private final int port;
    private final Consumer<ConfigRollout> publisher;
    private final int maxMetricNodes;
    private final int maxMetricCgroups;
    private final FleetState fleet = new FleetState();
    private HttpServer server;
    private long generation;

    public ControllerVerticle(String host, int port, Consumer<ConfigRollout> publisher, int maxMetricNodes,
                              int maxMetricCgroups) {
        this.host = host;
        this.port = port;
        this.publisher = publisher;
        this.maxMetricNodes = maxMetricNodes;
        this.maxMetricCgroups = maxMetricCgroups;
    }

    @Override
    public Future<?> start() {
        Router r = Router.router(vertx);
        r.route().handler(BodyHandler.create().setBodyLimit(1 << 20));
        r.get("/").handler(this::handleDashboard);
        r.get("/metrics").handler(this::handleMetrics);
        r.get("/api/fleet").handler(this::handleFleet);
        r.get("/api/nodes").handler(ctx -> json(ctx, Json.nodes(fleet)));
        r.get("/api/nodes/:id").handler(this::handleNode);
        r.get("/api/cgroups").handler(ctx -> json(ctx, Json.aggregates(fleet)));
        r.get("/api/caches").handler(ctx -> json(ctx, Json.caches(fleet)));
        r.get("/api/config").handler(this::handleConfigList);
        r.get("/api/config/:id").handler(this::handleConfigStatus);
        r.post("/api/config").handler(this::handleApplyConfig);
        return vertx.createHttpServer().requestHandler(r).listen(port, host).onSuccess(s -> server = s);
    }

    public int actualPort() {
        return server.actualPort();
    }

    /** Applies a feed batch on this verticle's context. */
    public void accept(FleetFeed.Batch b) {
        context.runOnContext(v -> {
            b.rollouts().forEach(fleet::onRollout);
            b.telemetry().forEach(fleet::onTelemetry);
            b.acks().forEach(fleet::onAck);
        });
    }

    /** Runs {@code f} on this verticle's event loop (where the state lives). */
    public <T> Future<T> onLoop(java.util.function.Function<FleetState, T> f) {
        io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
        context.runOnContext(v -> {
            try {
                p.complete(f.apply(fleet));
            } catch (RuntimeException e) {
                p.fail(e);
            }
        });
        return p.future();
    }

    private static void json(RoutingContext ctx, Object body) {
        ctx.response().putHeader("content-type", "application/json")
                .end(body instanceof JsonArray a ? a.encodePrettily() : ((JsonObject) body).encodePrettily());
    }

    private void handleFleet(RoutingContext ctx) {
        json(ctx, Json.fleet(fleet));
    }

    private void handleMetrics(RoutingContext ctx) {
        ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(PrometheusText.render(fleet, maxMetricNodes, maxMetricCgroups));
    }

    private void handleNode(RoutingContext ctx) {
        var t = fleet.nodes().get(ctx.pathParam("id"));
        if (t == null) {
            ctx.response().setStatusCode(404).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("error", "no such node").encode());
            return;
        }
        json(ctx, Json.node(t));
    }

    private void handleConfigList(RoutingContext ctx) {
        JsonArray a = new JsonArray();
        fleet.rollouts().values().forEach(s -> a.add(Json.rollout(s)));
        json(ctx, a);
    }

    private void handleConfigStatus(RoutingContext ctx) {
        RolloutStatus s = fleet.rollouts().get(ctx.pathParam("id"));
        if (s == null) {
            ctx.response().setStatusCode(404).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("error", "no such rollout").encode());
            return;
        }
        json(ctx, Json.rollout(s));
    }

    private void handleApplyConfig(RoutingContext ctx) {
        ConfigRollout ro;
        try {
            // generations only grow, also across controller restarts: agents apply a rollout id's newer ones
            generation = Math.max(generation + 1, System.currentTimeMillis());
            ro = Json.parseRollout(ctx.body().asJsonObject(), generation);
        } catch (IllegalArgumentException | ClassCastException | DecodeException | NullPointerException e) {
            ctx.response().setStatusCode(400).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("error", String.valueOf(e.getMessage())).encode());
            return;
        }
        applyRollout(ro);
        ctx.response().setStatusCode(202).putHeader("content-type", "application/json")
                .end(Json.rollout(fleet.rollouts().get(ro.getRolloutId())).encodePrettily());
    }

    /** Records a rollout as desired state and publishes it (on the event loop). */
    public void applyRollout(ConfigRollout ro) {
        fleet.onRollout(ro);
        publisher.accept(ro);
    }

    private void handleDashboard(RoutingContext ctx) {
        try (InputStream in = ControllerVerticle.class.getResourceAsStream("/dashboard.html")) {
            ctx.response().putHeader("content-type", "text/html; charset=utf-8")
                    .end(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | NullPointerException e) {
            ctx.response().setStatusCode(500).putHeader("content-type", "text/plain").end("dashboard missing");
        }
    }
}
