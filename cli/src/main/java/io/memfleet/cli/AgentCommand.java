package io.memfleet.cli;

import io.memfleet.agent.AgentConfig;
import io.memfleet.agent.kafka.AgentHttp;
import io.memfleet.kernel.api.KernelConfig;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code memfleet agent}: hosts simulated nodes until stopped. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Runs a node-agent: it hosts the simulated nodes of the workload partitions the agents' "
                + "consumer group gives it, publishes their telemetry and final states, applies desired cgroup "
                + "configuration with per-file acks, and stores snapshots so another agent can take its nodes over.",
            "Agents know nothing of experiments; start as many as the fleet needs, on any machines."})
final class AgentCommand implements Callable<Integer> {
    private final Console io;

    AgentCommand(Console io) {
        this.io = io;
    }

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--loops", converter = Converters.Count.class, paramLabel = "N", defaultValue = "1",
            description = "agent loops (consumers of the group) in this process (default: ${DEFAULT-VALUE})")
    int loops;

    @Option(names = "--telemetry-interval", paramLabel = "DURATION", defaultValue = "1s",
            converter = Converters.Duration.class,
            description = "simulated time between telemetry samples of nodes that set none (default: ${DEFAULT-VALUE})")
    long telemetryIntervalNs;

    @Option(names = "--commit-interval", paramLabel = "DURATION", defaultValue = "5s",
            converter = Converters.Duration.class,
            description = "wall time between snapshot+offset commits (default: ${DEFAULT-VALUE})")
    long commitIntervalNs;

    @Option(names = "--kernel", paramLabel = "OPTIONS", defaultValue = "", converter = Converters.Kernel.class,
            description = "kernel options of new nodes: " + KernelConfig.OPTIONS)
    KernelConfig kernel;

    @Option(names = "--client-id", paramLabel = "ID", defaultValue = "${env:HOSTNAME:-memfleet-agent}",
            description = "Kafka client id (default: the host name)")
    String clientId;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "${env:MEMFLEET_HTTP_HOST:-127.0.0.1}",
            description = "address of /healthz and /metrics (default: ${DEFAULT-VALUE})")
    String httpHost;

    @Option(names = "--http-port", converter = Converters.PortOrNone.class, paramLabel = "PORT", defaultValue = "-1",
            description = "port of /healthz and /metrics; 0 picks a free one, -1 (default) serves none")
    int httpPort;

    @Override
    public Integer call() throws InterruptedException {
        Shutdown.process().cooperate();
        if (loops < 1 || loops > 64) {
            throw new UserError("--loops must be 1 to 64, got " + loops, 2);
        }
        Bootstrap b = Bootstrap.open(kafka, "agent", io.out());
        AgentConfig cfg = new AgentConfig(b.address(), b.topics(), b.topics().agentGroup(), telemetryIntervalNs,
                Math.max(1, commitIntervalNs / 1_000_000), kernel, clientId);
        Services.SupervisedAgents agents = Services.SupervisedAgents.start(cfg, loops, io.err());
        AgentHttp http = null;
        if (httpPort >= 0) {
            try {
                http = new AgentHttp(httpHost, httpPort, agents::loops);
            } catch (IOException e) {
                agents.close();
                b.close();
                throw new UserError("cannot serve /healthz on " + httpHost + ":" + httpPort + ": " + e.getMessage());
            }
        }
        io.out().println("memfleet agent: running " + loops + " loop(s) in group " + cfg.groupId() + " on "
                + b.address() + (http == null ? "" : "; health and metrics at http://" + httpHost + ":" + http.port()
                + "/healthz"));
        Thread fatalWatch = new Thread(() -> {
            for (Thread t : agents.threads()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    return;
                }
                if (agents.fatal() != null) {
                    io.err().println("memfleet agent: exiting after a fatal error: " + agents.fatal());
                    System.exit(1); // the shutdown hook closes the rest
                }
            }
        }, "memfleet-agent-fatal-watch");
        fatalWatch.setDaemon(true);
        fatalWatch.start();
        Services.serveUntilStopped(io.err(), "memfleet agent: stopped (" + loops + " loop(s) closed; the group "
                + "gives their nodes to the other agents)", http, agents, b);
        return 0;
    }
}
