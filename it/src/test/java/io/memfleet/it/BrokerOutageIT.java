package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.agent.kafka.AgentSupervisor;
import io.memfleet.broker.EmbeddedKafka;
import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.it.testing.FleetHarness;
import io.memfleet.it.testing.Ports;
import io.memfleet.proto.v1.NodeTelemetry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent rides out a broker outage: its loop stops when a commit times out while the broker is
 * away, its supervisor starts it again with backoff, and once the broker is back (same port, same
 * data) every node has applied every event exactly once.
 */
@Timeout(300)
class BrokerOutageIT {
    private static final List<String> NODES = List.of("o1", "o2", "o3");

    @TempDir
    Path dir;

    private static String[] round(int r) {
        int pid = 100 + r;
        return new String[] {"spawn " + pid + " /a", "anon " + pid + " +" + (64 * (r + 1)) + "K", "dentry " + pid + " +25",
            "tick 700ms", "exit " + pid};
    }

    @Test
    void anAgentResumesAfterTheBrokerComesBackAndLosesNothing() throws Exception {
        EmbeddedKafka.Member member = new EmbeddedKafka.Member(1, Ports.free(), Ports.free(), null, null, 1);
        Path data = dir.resolve("broker");
        EmbeddedKafka broker = EmbeddedKafka.start(data, member, Map.of());
        // short client timeouts, so that the outage is felt in seconds rather than a minute
        KafkaClients.configure(Map.of("default.api.timeout.ms", "4000", "request.timeout.ms", "3000",
                "max.block.ms", "4000"));
        Map<String, Long> sent = new HashMap<>();
        AgentSupervisor sup = null;
        Thread t = null;
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "outage", 2)) {
            sup = new AgentSupervisor(f.agentConfig("outage-a"), new PrintStream(System.err, true));
            t = new Thread(sup, "outage-supervisor");
            t.start();
            for (String n : NODES) {
                f.send(n, "node cpus=1 mem=256M seed=4", "mkdir /a");
                sent.merge(n, 2L, Long::sum);
                for (int r = 0; r < 3; r++) {
                    f.send(n, round(r));
                    sent.merge(n, (long) round(r).length, Long::sum);
                }
            }
            f.flush();
            awaitApplied(f, sent);

            broker.close();
            AgentSupervisor s = sup;
            FleetHarness.await("the loop stops and is started again", Duration.ofSeconds(90), () -> s.restarts() >= 1);
            broker = EmbeddedKafka.start(data, member, Map.of());

            for (String n : NODES) {
                for (int r = 3; r < 6; r++) {
                    f.send(n, round(r));
                    sent.merge(n, (long) round(r).length, Long::sum);
                }
            }
            f.flush();
            awaitApplied(f, sent);
            assertTrue(sup.isRunning(), "the agent runs again");
        } finally {
            if (sup != null) {
                sup.close();
                t.join(60_000);
            }
            broker.close();
            KafkaClients.configure(Map.of());
        }
    }

    /** Asks each node for a sample and waits until its last one has applied exactly the events sent. */
    private static void awaitApplied(FleetHarness f, Map<String, Long> sent) {
        for (String n : NODES) {
            f.send(n, f.sample(n));
            sent.merge(n, 1L, Long::sum);
        }
        f.flush();
        f.readUntil(f.topics().telemetry(), recs -> {
            Map<String, NodeTelemetry> last = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : recs) {
                try {
                    last.put(r.key(), NodeTelemetry.parseFrom(r.value()));
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
            return NODES.stream().allMatch(n -> last.containsKey(n) && last.get(n).getEventsApplied() == sent.get(n)
                    && last.get(n).getLastSeq() == sent.get(n));
        });
    }
}
