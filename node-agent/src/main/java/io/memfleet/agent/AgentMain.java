package io.memfleet.agent;

import io.memfleet.agent.kafka.FleetTopics;
import io.memfleet.agent.kafka.NodeAgent;
import io.memfleet.broker.EmbeddedKafka;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code memfleet agent}: runs a node-agent until interrupted, on a given cluster or an embedded broker. */
public final class AgentMain {
    private AgentMain() {
    }

    public static String help() {
        return "usage: memfleet agent [options]\n\n"
                + "Hosts simulated nodes: consumes workload events, publishes telemetry and config acks.\n"
                + "Without --bootstrap (or MEMFLEET_BOOTSTRAP) it starts an embedded single-node Kafka broker.\n\n"
                + AgentConfig.help();
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.print(help());
                return 0;
            }
        }
        AgentConfig cfg;
        try {
            cfg = AgentConfig.parse(args, System::getenv);
        } catch (IllegalArgumentException e) {
            err.println("memfleet agent: " + e.getMessage());
            return 1;
        }
        EmbeddedKafka broker = null;
        if (cfg.bootstrap().isEmpty()) {
            Path dir = Files.createTempDirectory("memfleet-kafka");
            broker = EmbeddedKafka.start(dir);
            cfg = cfg.withBootstrap(broker.bootstrapServers());
            out.println("memfleet agent: embedded Kafka broker at " + broker.bootstrapServers());
        }
        err.println("memfleet agent: config " + cfg);
        FleetTopics.ensure(cfg.bootstrap(), cfg.topics(), Duration.ofSeconds(60));
        NodeAgent agent = new NodeAgent(cfg);
        Thread loop = new Thread(agent, "memfleet-agent");
        loop.start();
        EmbeddedKafka b = broker;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            try {
                loop.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (b != null) {
                b.close();
            }
        }));
        out.println("memfleet agent: running (group " + cfg.groupId() + ", topics " + cfg.topics().workload() + " ...)");
        loop.join();
        return 0;
    }
}
