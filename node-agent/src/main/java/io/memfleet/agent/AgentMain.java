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
                + AgentConfig.help()
                + String.format("  %-22s %s%n", "--loops N", "agent loops (consumers of the group) in this process (default 1)");
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.print(help());
                return 0;
            }
        }
        int loops = 1;
        java.util.List<String> rest = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--loops") && i + 1 < args.length) {
                loops = Integer.parseInt(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        AgentConfig cfg;
        try {
            if (loops < 1 || loops > 64) {
                throw new IllegalArgumentException("--loops must be 1 to 64");
            }
            cfg = AgentConfig.parse(rest.toArray(String[]::new), System::getenv);
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
        java.util.List<NodeAgent> agents = new java.util.ArrayList<>();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < loops; i++) {
            NodeAgent agent = new NodeAgent(loops == 1 ? cfg : cfg.withClientId(cfg.clientId() + "-" + i));
            agents.add(agent);
            Thread t = new Thread(agent, "memfleet-agent-" + i);
            threads.add(t);
            t.start();
        }
        EmbeddedKafka b = broker;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agents.forEach(NodeAgent::close);
            try {
                for (Thread t : threads) {
                    t.join(15_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (b != null) {
                b.close();
            }
        }));
        out.println("memfleet agent: running " + loops + " loop(s) (group " + cfg.groupId() + ", topics "
                + cfg.topics().workload() + " ...)");
        for (Thread t : threads) {
            t.join();
        }
        return 0;
    }
}
