package io.memfleet.cli;

import io.memfleet.agent.AgentConfig;
import io.memfleet.controller.ControllerConfig;
import io.memfleet.controller.ControllerRuntime;
import io.memfleet.workload.kafka.GeneratorConfig;
import io.memfleet.workload.kafka.RunningGenerator;
import java.io.PrintStream;

/**
 * The parts of a fleet a command runs in its own process: the cluster (an embedded broker when no
 * --bootstrap is given), a controller and a workload generator beside it (for an embedded fleet),
 * and agent loops. Closing stops them in the reverse order.
 */
final class LocalFleet implements AutoCloseable {
    private final Bootstrap bootstrap;
    private final ControllerRuntime controller;
    private final RunningGenerator generator;
    private final Services.Agents agents;
    private final PrintStream log;
    private boolean abort;

    private LocalFleet(Bootstrap bootstrap, ControllerRuntime controller, RunningGenerator generator,
                       Services.Agents agents, PrintStream log) {
        this.bootstrap = bootstrap;
        this.controller = controller;
        this.generator = generator;
        this.agents = agents;
        this.log = log;
    }

    /**
     * Starts what is missing: without --bootstrap an embedded broker, a controller and
     * {@code agentLoops} agent loops; with it only the agent loops asked for.
     */
    static LocalFleet start(KafkaOptions k, String who, int httpPort, int agentLoops, PrintStream log) {
        return start(k, who, httpPort, agentLoops, null, log);
    }

    /** As {@link #start(KafkaOptions, String, int, int, PrintStream)}; an embedded controller pushes to {@code remoteWrite}. */
    static LocalFleet start(KafkaOptions k, String who, int httpPort, int agentLoops, java.net.URI remoteWrite,
                            PrintStream log) {
        Bootstrap b = Bootstrap.open(k, who, log);
        ControllerRuntime c = null;
        RunningGenerator g = null;
        Services.Agents a = null;
        try {
            if (b.isEmbedded()) {
                c = new ControllerRuntime(ControllerConfig.of(b.address(), b.topics(), httpPort)
                        .withHttpHost(System.getenv().getOrDefault("MEMFLEET_HTTP_HOST", "127.0.0.1"))
                        .withRemoteWrite(remoteWrite), log);
                g = RunningGenerator.start(GeneratorConfig.of(b.address(), b.topics(), k.topicPrefix + "-" + who
                        + "-generator"), log);
                log.println("[" + who + "] controller API, dashboard and metrics at http://127.0.0.1:" + c.httpPort()
                        + "/ (API token " + c.token() + ")");
            }
            if (agentLoops > 0) {
                a = Services.Agents.start(AgentConfig.of(b.address(), b.topics(), k.topicPrefix + "-" + who + "-agent"),
                        agentLoops, log);
            }
            return new LocalFleet(b, c, g, a, log);
        } catch (Exception e) {
            Services.closeAll(log, a, g, c, b);
            throw new UserError("cannot start the local fleet: " + e.getMessage());
        }
    }

    String address() {
        return bootstrap.address();
    }

    /** The fleet's topics as the cluster has them. */
    io.memfleet.common.Topics topics() {
        return bootstrap.topics();
    }

    boolean embedded() {
        return bootstrap.isEmbedded();
    }

    /** The HTTP port of the controller this process runs, or -1. */
    int httpPort() {
        return controller == null ? -1 : controller.httpPort();
    }

    /** False when this process runs agent loops and none of them is running any more. */
    boolean agentsHealthy() {
        return agents == null || agents.anyRunning();
    }

    /** Closing stops the agent loops as a crash would (nothing more committed): the fleet is being thrown away. */
    void abortOnClose() {
        abort = true;
    }

    @Override
    public void close() {
        if (abort && agents != null && bootstrap.isEmbedded()) {
            agents.crash();
        }
        Services.closeAll(log, agents, generator, controller, bootstrap);
    }
}
