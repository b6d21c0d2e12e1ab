package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memfleet.it.testing.FleetHarness;
import io.memfleet.proto.v1.NodeTelemetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The node-agent against Apache Kafka's own container image, for machines with a Docker engine;
 * skipped where there is none (the embedded broker covers the same paths in NodeAgentIT).
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(300)
class KafkaContainerIT {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.0.0");

    @Test
    void anAgentOnAContainerizedBrokerAppliesEventsAndPublishesTelemetry() throws Exception {
        try (FleetHarness f = new FleetHarness(KAFKA.getBootstrapServers(), "tc", 3)) {
            f.startAgent("tc-agent");
            f.send("t1", "node mem=128M", "mkdir /g", "spawn 1 /g", "anon 1 +1M", "tick 2s");
            f.send("t1", f.sample("t1"));
            f.flush();
            var recs = f.readUntil(f.topics().telemetry(), rs -> rs.size() >= 3);
            NodeTelemetry last = NodeTelemetry.parseFrom(recs.get(recs.size() - 1).value());
            assertEquals("t1", last.getNodeId());
            assertEquals(1L << 20, last.getCgroupsList().stream().filter(g -> g.getPath().equals("/g")).findFirst()
                    .orElseThrow().getStat().getRss());
        }
    }
}
