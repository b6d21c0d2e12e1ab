package io.memfleet.cli;

import io.memfleet.controller.ControllerConfig;
import io.memfleet.workload.kafka.GeneratorConfig;
import io.memfleet.workload.kafka.RunningGenerator;
import io.memfleet.controller.ControllerRuntime;
import io.memfleet.controller.model.FleetMetrics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code memfleet controller}: the fleet's API, dashboard, metrics and experiment lifecycle, until stopped. */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = {"Runs the controller of a fleet: it accepts experiments (POST /api/experiments, or "
                + "'memfleet run --bootstrap'), owns their lifecycle, generates their workloads (with any "
                + "'memfleet generate' processes), rolls out cgroup configuration, and serves the HTTP API, the "
                + "dashboard and /metrics.", "One controller per fleet, enforced: the first holds the fleet's lease (a Kafka consumer group); another "
                + "waits as a standby and takes over, rebuilding the state from the topics, when the first stops or is "
                + "not heard from for 10 s."})
final class ControllerCommand implements Callable<Integer> {
    private final Console io;

    ControllerCommand(Console io) {
        this.io = io;
    }

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "${env:MEMFLEET_HTTP_HOST:-127.0.0.1}",
            description = "address the HTTP API listens on (default: ${DEFAULT-VALUE})")
    String httpHost;

    @Option(names = "--http-port", converter = Converters.Port.class, paramLabel = "PORT", defaultValue = "8080",
            description = "port of the HTTP API, dashboard and /metrics; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--generator-threads", converter = Converters.Threads.class, paramLabel = "N", defaultValue = "-1",
            description = "threads of the built-in workload generator; 0 leaves generation to 'memfleet generate' "
                    + "processes (default: one per core)")
    int generatorThreads;

    @Option(names = "--max-metric-nodes", converter = Converters.CountOrZero.class, paramLabel = "N", defaultValue = "1000",
            description = "nodes exported one by one in /metrics (aggregates cover every node) (default: ${DEFAULT-VALUE})")
    int maxMetricNodes;

    @Option(names = "--max-metric-cgroups", converter = Converters.CountOrZero.class, paramLabel = "N", defaultValue = "64",
            description = "cgroups per node exported one by one in /metrics (default: ${DEFAULT-VALUE})")
    int maxMetricCgroups;

    @Option(names = "--token", paramLabel = "TOKEN", description = "the token POST and DELETE requests must carry "
            + "(Authorization: Bearer TOKEN); default: MEMFLEET_TOKEN, else a new one, printed at start")
    String token;

    @Option(names = "--cadvisor-metrics", description = "also export the per-cgroup series under cAdvisor's names "
            + "(container_memory_usage_bytes{id=\"/web\",node=...}), so cAdvisor dashboards work unchanged")
    boolean cadvisorMetrics;

    /** How /metrics labels an experiment's cgroups. */
    enum MetricsCgroups { EXACT, FOLDED }

    @Option(names = "--metrics-cgroups", paramLabel = "exact|folded", defaultValue = "folded",
            description = "folded: cgroups an experiment's file does not declare (a workload's /jobs/job14) are summed "
                    + "under their declared parent's pattern (/jobs/*) on /metrics; exact: every path is a label of its "
                    + "own (default: ${DEFAULT-VALUE})")
    MetricsCgroups metricsCgroups;

    @Option(names = "--keep-finished", paramLabel = "DURATION", defaultValue = "1h",
            converter = Converters.DurationOrZero.class,
            description = "how long an ended experiment's final fleet series and progress stay on /metrics; 0: none "
                    + "(default: ${DEFAULT-VALUE})")
    long keepFinishedNs;

    @Option(names = "--remote-write", paramLabel = "URL", description = "also push every experiment's fleet series, "
            + "in simulated time, to this Prometheus remote-write endpoint (http://HOST:9090/api/v1/write)")
    String remoteWrite;

    @Override
    public Integer call() throws Exception {
        Shutdown.process().cooperate();
        if (maxMetricNodes < 0 || maxMetricCgroups < 0) {
            throw new UserError("--max-metric-nodes and --max-metric-cgroups must not be negative");
        }
        java.net.URI remoteWriteUrl = remoteWrite == null ? null : RemoteWriteUrl.parse(remoteWrite);
        Bootstrap b = Bootstrap.open(kafka, "controller", io.out());
        int threads = generatorThreads < 0 ? Runtime.getRuntime().availableProcessors() : generatorThreads;
        String given = token != null ? token : System.getenv("MEMFLEET_TOKEN");
        ControllerConfig cfg;
        try {
            cfg = new ControllerConfig(b.address(), b.topics(), httpHost, httpPort,
                    new FleetMetrics.Options(maxMetricNodes, maxMetricCgroups, cadvisorMetrics,
                            metricsCgroups == MetricsCgroups.EXACT, keepFinishedNs / 1_000_000),
                    kafka.topicPrefix + "-controller", given == null || given.isEmpty() ? ControllerConfig.newToken() : given,
                    remoteWriteUrl);
        } catch (IllegalArgumentException e) {
            b.close();
            throw new UserError((token != null ? "--token: " : "MEMFLEET_TOKEN: ") + e.getMessage(), 2);
        }
        ControllerConfig config = cfg;
        try {
            LeasedController.serve(io, b, config.clientId(), httpHost, httpPort, () -> {
                ControllerRuntime c = start(config, b, given);
                if (threads == 0) {
                    return c;
                }
                RunningGenerator g = RunningGenerator.start(new GeneratorConfig(b.address(), b.topics(),
                        config.clientId() + "-generator", threads, GeneratorConfig.DEFAULT_STEPS_PER_RECORD,
                        GeneratorConfig.DEFAULT_MAX_LAG_RECORDS), io.err());
                return () -> Services.closeAll(io.err(), g, c); // the generator stops first
            });
        } finally {
            Services.closeAll(io.err(), b);
        }
        io.err().println("memfleet controller: stopped (experiments in flight go on when a controller starts again on "
                + "this fleet, or a standby takes over)");
        return 0;
    }

    /** The controller itself, once this process holds the fleet's lease. */
    private ControllerRuntime start(ControllerConfig cfg, Bootstrap b, String given) throws Exception {
        ControllerRuntime c;
        try {
            c = new ControllerRuntime(cfg, io.err());
        } catch (RuntimeException e) {
            if (e.getCause() instanceof java.net.BindException || String.valueOf(e.getMessage()).contains("bind")) {
                throw new UserError("cannot listen on " + httpHost + ":" + httpPort + " (" + e.getMessage() + ")");
            }
            throw e;
        }
        io.out().println("memfleet controller: http://" + httpHost + ":" + c.httpPort() + "/ (topics "
                + kafka.topicPrefix + ".* on " + b.address() + ")");
        io.out().println("memfleet controller: API token " + (given == null || given.isEmpty() ? c.token()
                : "as given") + " (POST and DELETE need 'Authorization: Bearer TOKEN')");
        return c;
    }
}
