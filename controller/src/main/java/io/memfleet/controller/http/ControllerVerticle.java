package io.memfleet.controller.http;

import io.memfleet.common.CgroupFold;
import io.memfleet.controller.experiment.ExperimentManager;
import io.memfleet.controller.experiment.FleetCore;
import io.memfleet.controller.model.FleetState;
import io.memfleet.controller.model.FleetMetrics;
import io.memfleet.controller.model.RetainedExperiments;
import io.memfleet.controller.model.RolloutStatus;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.Submission;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The controller's stateful verticle: it owns the {@link FleetState} and the
 * {@link ExperimentManager} (touched only on its event loop), applies batches from the Kafka
 * feed, writes what the manager decides, and serves the HTTP JSON API, /metrics and the dashboard.
 */
public final class ControllerVerticle extends VerticleBase {
    /** Where the controller's decisions go: the desired-state and experiments topics. */
    public interface Publisher {
        void rollout(ConfigRollout ro);

        void experiment(Experiment e);

        /** A chunk of a done experiment's time series (results topic), published before its DONE record. */
        void series(io.memfleet.proto.v1.ExperimentSeries s);
    }

    private final String host;
    private final int port;
    private final Publisher publisher;
    private final FleetMetrics.Options metrics;
    /** The decisions; its fleet, experiments and retained ended experiments are read here, changed only there. */
    private final FleetCore core;
    /** Ended experiments whose final series stay on /metrics for a while. */
    private final RetainedExperiments retained;
    private final ApiGuard guard;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final FleetState fleet;
    private final ExperimentManager experiments;
    private final ServerMetrics serverMetrics = new ServerMetrics();
    private DashboardStream stream;
    private HttpServer server;
    private long generation;

    public ControllerVerticle(String host, int port, Publisher publisher, ExperimentManager experiments,
                              FleetMetrics.Options metrics, String token) {
        this.host = host;
        this.port = port;
        this.publisher = publisher;
        this.core = new FleetCore(experiments, metrics.keepFinishedMs());
        this.experiments = experiments;
        this.fleet = core.fleet();
        this.metrics = metrics;
        this.retained = core.retained();
        this.guard = new ApiGuard(token);
    }

    @Override
    public Future<?> start() {
        Router r = Router.router(vertx);
        // the token and the body's type are checked before the body is read (no route takes a form)
        r.post().handler(guard::requireToken);
        r.delete().handler(guard::requireToken);
        r.post("/api/config").handler(ctx -> guard.requireType(ctx, ApiGuard.JSON));
        r.post("/api/experiments").handler(ctx -> guard.requireType(ctx, ApiGuard.YAML));
        r.route().handler(guard::refuseForms);
        r.route().handler(BodyHandler.create().setBodyLimit(1 << 20).setHandleFileUploads(false));
        r.route().failureHandler(ctx -> {
            if (ctx.response().ended()) {
                return;
            }
            int status = ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 500;
            if (status == 500) {
                System.err.println("memfleet controller: " + ctx.request().method() + " " + ctx.request().path()
                        + " failed: " + ctx.failure());
            }
            error(ctx, status, status == 413 ? "the body is over 1 MiB" : status == 500 ? "internal error (logged)"
                    : "bad request");
        });
        r.routeWithRegex("^/(?!api/stream).*").handler(TimeoutHandler.create(ApiGuard.REQUEST_TIMEOUT_MS));
        r.get("/").handler(this::handleDashboard);
        r.get("/healthz").handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end("ok\n"));
        r.get("/metrics").handler(this::handleMetrics);
        r.get("/api/fleet").handler(ctx -> json(ctx, 200, Json.fleet(fleet)));
        r.get("/api/nodes").handler(ctx -> json(ctx, 200, Json.nodes(fleet)));
        r.get("/api/nodes/*").handler(this::handleNode);
        r.get("/api/cgroups").handler(ctx -> json(ctx, 200, Json.aggregates(fleet, fleet.cgroupAggregates())));
        r.get("/api/caches").handler(ctx -> json(ctx, 200, Json.caches(fleet.cacheAggregates())));
        r.get("/api/config").handler(this::handleConfigList);
        r.get("/api/config/:id").handler(this::handleConfigStatus);
        r.post("/api/config").handler(this::handleApplyConfig);
        r.get("/api/experiments").handler(this::handleExperiments);
        r.post("/api/experiments").handler(this::handleSubmit);
        r.get("/api/experiments/:id").handler(this::handleExperiment);
        r.delete("/api/experiments/:id").handler(this::handleCancel);
        r.get("/api/experiments/:id/series").handler(this::handleSeries);
        stream = new DashboardStream(vertx, fleet, experiments);
        r.get("/api/stream").handler(stream::handleStream);
        r.get("/api/distribution").handler(stream::handleDistribution);
        r.get("/assets/:file").handler(Assets::handle);
        vertx.setPeriodic(250, id -> core.tick(System.currentTimeMillis()).forEach(this::publish));
        // a bounded socket send buffer: a client that does not read holds at most that much in the kernel
        // before its write queue fills, and the dashboard stream skips and then drops it
        return vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(ApiGuard.IDLE_TIMEOUT_S)
                .setIdleTimeoutUnit(TimeUnit.SECONDS).setSendBufferSize(DashboardStream.WRITE_QUEUE_BYTES))
                .requestHandler(r).listen(port, host).onSuccess(s -> server = s);
    }

    public int actualPort() {
        return server.actualPort();
    }

    /** Applies a feed batch on this verticle's context (the core decides, this publishes); completes once applied. */
    public CompletableFuture<Void> accept(FleetCore.Batch b) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                core.apply(b, System.currentTimeMillis()).forEach(this::publish);
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Publishes a decision: a DONE experiment's series first, then its record. */
    private void publish(FleetCore.Write w) {
        w.series().forEach(publisher::series);
        publisher.experiment(w.experiment());
    }

    private void write(Experiment e) {
        publish(core.written(e, System.currentTimeMillis()));
    }

    /** Runs {@code f} on this verticle's event loop (where the state lives). */
    public <T> Future<T> onLoop(Function<FleetState, T> f) {
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

    public ExperimentManager experiments() {
        return experiments;
    }

    static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(body instanceof JsonArray a ? a.encodePrettily() : ((JsonObject) body).encodePrettily());
    }

    static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonObject().put("error", message));
    }

    /** The exposition the scraper asks for in its Accept header (Prometheus text or OpenMetrics), by the client library. */
    private void handleMetrics(RoutingContext ctx) {
        ExpositionFormatWriter writer = formats.findWriter(ctx.request().getHeader("Accept"));
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try {
            retained.expire(System.currentTimeMillis());
            Map<String, CgroupFold> folds = new HashMap<>(); // once per experiment and scrape, not per node
            writer.write(out, serverMetrics.with(FleetMetrics.snapshot(fleet, retained.states(), experiments.all(),
                    id -> folds.computeIfAbsent(id, experiments::fold), metrics), stream.counts()));
        } catch (IOException e) {
            error(ctx, 500, "cannot write metrics: " + e.getMessage());
            return;
        }
        ctx.response().putHeader("content-type", writer.getContentType()).end(Buffer.buffer(out.toByteArray()));
    }

    private void handleNode(RoutingContext ctx) {
        String id = ctx.pathParam("*");
        NodeTelemetry t = fleet.nodes().get(id);
        if (t == null) {
            error(ctx, 404, "no such node: " + id);
            return;
        }
        json(ctx, 200, Json.node(t));
    }

    private void handleConfigList(RoutingContext ctx) {
        JsonArray a = new JsonArray();
        fleet.rollouts().values().forEach(s -> a.add(Json.rollout(s)));
        json(ctx, 200, a);
    }

    private void handleConfigStatus(RoutingContext ctx) {
        RolloutStatus s = fleet.rollouts().get(ctx.pathParam("id"));
        if (s == null) {
            error(ctx, 404, "no such rollout: " + ctx.pathParam("id"));
            return;
        }
        json(ctx, 200, Json.rollout(s));
    }

    private void handleApplyConfig(RoutingContext ctx) {
        ConfigRollout ro;
        try {
            // generations only grow, also across controller restarts: agents apply a rollout id's newer ones
            generation = Math.max(generation + 1, System.currentTimeMillis());
            ro = RolloutRequest.parse(ctx.body().asString(), generation);
            RolloutStatus prev = fleet.rollouts().get(ro.getRolloutId());
            ro = ro.toBuilder().setRevision(prev == null ? 1 : prev.rollout().getRevision() + 1).build();
        } catch (RolloutRequest.Invalid e) {
            error(ctx, 400, e.getMessage());
            return;
        }
        String refused = ExperimentNodes.refusal(ro.getSelector(), experiments);
        if (refused != null) {
            error(ctx, 409, refused);
            return;
        }
        applyRollout(ro);
        JsonObject answer = Json.rollout(fleet.rollouts().get(ro.getRolloutId()));
        if (ro.getSelector().getAll()) {
            answer.put("note", ExperimentNodes.NOT_EXPERIMENTS);
        }
        json(ctx, 202, answer);
    }

    /** Records a rollout as desired state and publishes it (on the event loop). */
    public void applyRollout(ConfigRollout ro) {
        fleet.onRollout(ro);
        publisher.rollout(ro);
    }

    private void handleExperiments(RoutingContext ctx) {
        JsonArray a = new JsonArray();
        List.copyOf(experiments.all()).forEach(e -> a.add(Json.experiment(e)));
        json(ctx, 200, a);
    }

    private void handleExperiment(RoutingContext ctx) {
        Experiment e = experiments.get(ctx.pathParam("id"));
        if (e == null) {
            error(ctx, 404, "no such experiment: " + ctx.pathParam("id"));
            return;
        }
        json(ctx, 200, Json.experiment(e));
    }

    /**
     * POST /api/experiments: the experiment file as the body; ?source= names it, ?kernel= overrides its options,
     * ?variant= runs one of its variants.
     */
    private void handleSubmit(RoutingContext ctx) {
        String source = ctx.request().getParam("source", "request.yaml");
        Submission.Builder s = Submission.newBuilder().setSource(source)
                .setYaml(ctx.body().asString(StandardCharsets.UTF_8.name()) == null ? ""
                        : ctx.body().asString(StandardCharsets.UTF_8.name()));
        String variant = ctx.request().getParam("variant");
        if (variant != null) {
            s.setVariant(variant);
        }
        String kernel = ctx.request().getParam("kernel");
        if (kernel != null) {
            s.setKernelOverride(kernel).setHasKernelOverride(true);
        }
        ExperimentManager.Submitted r = experiments.submit(s.build(), "", fleet.nodeHeapBudget());
        if (r.invalid() != null) {
            json(ctx, 400, Json.invalid(r.invalid()));
            return;
        }
        write(r.experiment());
        ctx.response().putHeader("location", "/api/experiments/" + r.experiment().getId());
        json(ctx, 201, Json.experiment(r.experiment()));
    }

    /** GET /api/experiments/{id}/series: the time series points made so far (all of them once done). */
    private void handleSeries(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (experiments.get(id) == null) {
            json(ctx, 404, new JsonObject().put("error", "no experiment " + id));
            return;
        }
        json(ctx, 200, Json.series(experiments.series(id)));
    }

    private void handleCancel(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Experiment known = experiments.get(id);
        if (known == null) {
            error(ctx, 404, "no such experiment: " + id);
            return;
        }
        Experiment e = experiments.cancel(id, "cancelled through the HTTP API");
        if (e == null) {
            error(ctx, 409, "experiment " + id + " has already ended ("
                    + known.getState().name().toLowerCase(java.util.Locale.ROOT) + ")");
            return;
        }
        write(e);
        json(ctx, 202, Json.experiment(e));
    }

    private void handleDashboard(RoutingContext ctx) {
        try (InputStream in = ControllerVerticle.class.getResourceAsStream("/dashboard.html")) {
            if (in == null) {
                throw new IOException("no /dashboard.html on the class path");
            }
            ctx.response().putHeader("content-type", "text/html; charset=utf-8")
                    .end(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            ctx.response().setStatusCode(500).putHeader("content-type", "text/plain").end("dashboard missing");
        }
    }
}
