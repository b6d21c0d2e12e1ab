package io.memfleet.agent.core;

/** What the agent core must never do (polling Kafka itself), for AgentLayeringTest to see its rule fail on. */
public final class BreachPolls {
    private BreachPolls() {
    }

    static int poll(org.apache.kafka.clients.consumer.Consumer<String, byte[]> c) {
        return c.poll(java.time.Duration.ZERO).count();
    }
}
