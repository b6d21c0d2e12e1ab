package io.memfleet.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
    @AfterEach
    void reset() {
        KafkaClients.configure(Map.of());
    }

    @Test
    void aSettingsFileReachesEveryClientThatKnowsTheSetting() {
        KafkaClients.configure(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "linger.ms", "20"));
        assertEquals("SASL_SSL", KafkaClients.extraFor(ConsumerConfig.configNames()).get("security.protocol"));
        assertEquals("SCRAM-SHA-512", KafkaClients.extraFor(AdminClientConfig.configNames()).get("sasl.mechanism"));
        assertEquals("20", KafkaClients.extraFor(ProducerConfig.configNames()).get("linger.ms"));
        assertTrue(!KafkaClients.extraFor(ConsumerConfig.configNames()).containsKey("linger.ms"), "a producer setting");
    }

    @Test
    void settingsTheFleetsGuaranteesRestOnOrTyposAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaClients.configure(Map.of("acks", "1")))
                .getMessage().startsWith("acks: memfleet sets this itself"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaClients.configure(
                Map.of("isolation.level", "read_uncommitted"))).getMessage().startsWith("isolation.level:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaClients.configure(
                Map.of("security.protocoll", "SSL"))).getMessage().contains("security.protocoll: not a Kafka client setting"));
    }
}
