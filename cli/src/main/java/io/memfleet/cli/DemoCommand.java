package io.memfleet.cli;

import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.Submission;
import io.memfleet.workload.spec.ExperimentSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code memfleet demo}: the bundled demo experiment on a fleet, with the dashboard up until Ctrl-C. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the bundled demo experiment (16 nodes, 60 s simulated, at real time by default) and keeps "
                + "the controller's dashboard, API and /metrics up until interrupted (Ctrl-C). Without --bootstrap "
                + "the whole fleet runs in this process."})
final class DemoCommand implements Callable<Integer> {
    private final Console io;

    DemoCommand(Console io) {
        this.io = io;
    }

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--http-port", converter = Converters.Port.class, paramLabel = "PORT", defaultValue = "8080",
            description = "port of the dashboard (default: ${DEFAULT-VALUE}, or a free one when that is taken)")
    int httpPort;

    @Option(names = "--speed", paramLabel = "N", defaultValue = "1", description = "pace: N times real time (default: ${DEFAULT-VALUE})")
    double speed;

    @Option(names = "--agents", converter = Converters.Count.class, paramLabel = "N", defaultValue = "1", description = "agent loops in this process")
    int agents;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String yaml;
        try (InputStream in = ExperimentSpec.class.getResourceAsStream("/io/memfleet/workload/demo.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!(speed > 0)) {
            throw new UserError("--speed must be above 0, got " + speed, 2);
        }
        Submission s = Submission.newBuilder().setSource("demo.yaml").setYaml(yaml).setSpeedOverride(speed).build();
        ExperimentSpec spec = RunCommand.validate(s);
        int port = httpPort != 0 && !free(httpPort) ? 0 : httpPort;
        Shutdown.process().cooperate();
        try (LocalFleet fleet = LocalFleet.start(kafka, "demo", port, agents, io.out());
             ExperimentClient client = new ExperimentClient(fleet.address(), fleet.topics(), "memfleet-demo")) {
            if (fleet.httpPort() > 0) {
                io.out().println("memfleet demo: open http://127.0.0.1:" + fleet.httpPort()
                        + "/  (API: /api/experiments, /api/fleet; metrics: /metrics)");
            }
            String id = null;
            try {
                id = RunCommand.submit(client, s, spec, io.out());
                Experiment e = RunCommand.followToEnd(client, fleet, id, Duration.ofHours(24), io.out());
                io.out().println("memfleet demo: experiment " + e.getId() + " done; serving until interrupted (Ctrl-C)");
            } catch (Shutdown.Interrupted e) {
                fleet.abortOnClose();
                throw new UserError("interrupted: " + RunCommand.cancelAll(client, id == null ? List.of() : List.of(id),
                        fleet.embedded()), 130);
            } catch (UserError e) {
                io.err().println("memfleet demo: " + e.getMessage() + "; serving until interrupted (Ctrl-C)");
            }
            Shutdown.process().awaitRequest();
            fleet.abortOnClose();
            io.out().println("memfleet demo: stopped" + (id == null ? "" : " (experiment " + id + " had ended)"));
        } catch (Shutdown.Interrupted e) { // while the fleet or the client started
            throw new UserError("interrupted: no experiment was submitted", 130);
        }
        return 0;
    }

    private static boolean free(int port) {
        try {
            new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress()).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
