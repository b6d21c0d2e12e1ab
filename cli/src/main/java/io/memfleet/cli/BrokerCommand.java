package io.memfleet.cli;

import io.memfleet.broker.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code memfleet broker}: a KRaft Kafka broker from Apache Kafka's own artifacts, alone or one of a cluster. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Runs a KRaft Kafka broker (combined broker and controller) on 127.0.0.1 and prints "
                + "'bootstrap=127.0.0.1:PORT' when it is ready. Alone by default; with --node-id, --voters and "
                + "--cluster-id it is one member of a multi-node cluster ('memfleet cluster up --brokers 3' starts "
                + "three). Stop it with Ctrl-C or SIGTERM."})
final class BrokerCommand implements Callable<Integer> {
    private final Console io;

    BrokerCommand(Console io) {
        this.io = io;
    }

    @Option(names = "--data", paramLabel = "DIR", description = "log directory (default: a temporary one, removed at exit)")
    Path data;

    @Option(names = "--port", converter = Converters.Port.class, paramLabel = "N", defaultValue = "0", description = "client port (default: a free one)")
    int port;

    @Option(names = "--controller-port", converter = Converters.Port.class, paramLabel = "N", defaultValue = "0",
            description = "KRaft controller port (default: a free one)")
    int controllerPort;

    @Option(names = "--node-id", converter = Converters.CountOrZero.class, paramLabel = "N", defaultValue = "1", description = "this member's node id")
    int nodeId;

    @Option(names = "--voters", paramLabel = "ID@HOST:PORT,...", description = "every member's controller address")
    String voters;

    @Option(names = "--cluster-id", paramLabel = "ID", description = "the id all members of the cluster share")
    String clusterId;

    @Override
    public Integer call() throws IOException, InterruptedException {
        int members = voters == null ? 1 : voters.split(",").length;
        if (voters != null && clusterId == null) {
            throw new UserError("--voters needs --cluster-id (every member formats its log with the same id)", 2);
        }
        boolean temporary = data == null;
        Shutdown.process().cooperate();
        Path dir = temporary ? Files.createTempDirectory("memfleet-broker") : data;
        if (temporary) {
            Shutdown.process().temporary(dir);
        }
        EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.start(dir, new EmbeddedKafka.Member(nodeId, port, controllerPort, voters, clusterId,
                    members), Map.of());
        } catch (RuntimeException e) {
            if (temporary) {
                Bootstrap.deleteTree(dir);
            }
            throw new UserError("the broker did not start: " + e.getMessage());
        }
        io.err().println("memfleet broker ready in " + kafka.startupTime().toMillis() + " ms, data " + dir);
        io.out().println("bootstrap=" + kafka.bootstrapServers());
        io.out().flush();
        Services.serveUntilStopped(io.err(), "memfleet broker: stopped" + (temporary ? " (its temporary data removed)"
                : " (data kept in " + dir + ")"), kafka, () -> {
            if (temporary) {
                Bootstrap.deleteTree(dir);
            }
        });
        return 0;
    }
}
