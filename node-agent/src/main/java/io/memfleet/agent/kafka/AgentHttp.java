package io.memfleet.agent.kafka;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * An agent process's HTTP face: {@code /healthz} (200 while every loop runs, 503 otherwise: what
 * a liveness probe and {@code memfleet cluster status} ask) and {@code /metrics} (the loops'
 * counters in Prometheus format, labelled by loop).
 */
public final class AgentHttp implements AutoCloseable {
    private final HttpServer server;

    public AgentHttp(String host, int port, List<AgentLoop> loops) throws IOException {
        this(host, port, () -> loops);
    }

    /** As above, over loops that may be replaced (supervised loops start anew after an outage). */
    public AgentHttp(String host, int port, java.util.function.Supplier<List<AgentLoop>> current) throws IOException {
        Sources loops = new Sources(current);
        PrometheusRegistry registry = new PrometheusRegistry();
        counter(registry, "memfleet_agent_records", "workload records consumed", loops, s -> s.records());
        counter(registry, "memfleet_agent_events_applied", "workload events applied to nodes", loops,
                s -> s.eventsApplied());
        counter(registry, "memfleet_agent_duplicates", "redelivered events skipped", loops, s -> s.duplicates());
        counter(registry, "memfleet_agent_dead_letters", "records and events dead-lettered", loops, s -> s.deadLettered());
        counter(registry, "memfleet_agent_telemetry_samples", "telemetry samples published", loops, s -> s.telemetry());
        counter(registry, "memfleet_agent_restore_failures", "nodes whose snapshot could not be restored", loops,
                s -> s.restoreFailures());
        counter(registry, "memfleet_agent_rebalances", "partition assignments and revocations", loops,
                s -> s.rebalances());
        counter(registry, "memfleet_agent_send_failures", "records the broker did not store (logged)", loops,
                s -> s.sendFailures());
        counter(registry, "memfleet_agent_commits_refused", "commits the group refused and aborted (a rebalance, "
                + "or this agent deposed); their nodes were rebuilt from the last stored state", loops,
                s -> s.commitsRefused());
        counter(registry, "memfleet_agent_partitions_lost", "partitions the group gave to others while this agent "
                + "could not answer (stopped past its session, cut off): their nodes were dropped unsaved", loops,
                s -> s.partitionsLost());
        counter(registry, "memfleet_agent_nodes_quarantined", "nodes stopped after an unexpected failure (their "
                + "records dead-lettered with the reason)", loops, s -> s.quarantined());
        GaugeWithCallback.builder().name("memfleet_agent_hosted_nodes").help("simulated nodes hosted now")
                .labelNames("loop").callback(cb -> {
                    for (int i = 0; i < loops.size(); i++) {
                        cb.call(loops.get(i).status().hostedNodes(), Integer.toString(i));
                    }
                }).register(registry);
        this.server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/healthz", ex -> {
            boolean ok = loops.stream().allMatch(AgentLoop::isRunning);
            reply(ex, ok ? 200 : 503, ok ? "ok\n" : "an agent loop has stopped\n");
        });
        server.start();
    }

    /** The loops as the metrics and health checks read them, at the moment they read. */
    private record Sources(java.util.function.Supplier<List<AgentLoop>> current) {
        int size() {
            return current.get().size();
        }

        AgentLoop get(int i) {
            return current.get().get(i);
        }

        java.util.stream.Stream<AgentLoop> stream() {
            return current.get().stream();
        }
    }

    private static void counter(PrometheusRegistry r, String name, String help, Sources loops,
                                ToDoubleFunction<AgentLoop.Status> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("loop").callback(cb -> {
            for (int i = 0; i < loops.size(); i++) {
                cb.call(value.applyAsDouble(loops.get(i).status()), Integer.toString(i));
            }
        }).register(r);
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
