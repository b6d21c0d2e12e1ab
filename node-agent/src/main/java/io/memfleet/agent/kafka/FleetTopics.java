package io.memfleet.agent.kafka;

import io.memfleet.common.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Creates memfleet's topics, with their partition counts and configs, on any cluster (idempotent). */
public final class FleetTopics {
    private FleetTopics() {
    }

    public static void ensure(String bootstrap, Topics topics, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            for (Topics.Spec s : topics.all()) {
                io.memfleet.broker.Topics.create(admin, Map.of(s.name(), s.partitions()), s.configs(), timeout);
            }
        }
    }
}
