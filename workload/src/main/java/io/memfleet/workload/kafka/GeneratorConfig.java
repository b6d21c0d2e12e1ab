package io.memfleet.workload.kafka;

import io.memfleet.common.Topics;

/**
 * A workload generator's configuration: the cluster and topics, its Kafka client id, how many
 * threads generate, how many steps go in one record, and the backpressure bound: a round for a
 * partition is published only while the agents' committed offset there is at most
 * {@code maxLagRecords} behind its end.
 */
public record GeneratorConfig(String bootstrap, Topics topics, String clientId, int threads, int stepsPerRecord,
                              long maxLagRecords) {
    public static final int DEFAULT_STEPS_PER_RECORD = 10;
    public static final long DEFAULT_MAX_LAG_RECORDS = 20_000;

    public GeneratorConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("generator threads must be at least 1");
        }
        if (stepsPerRecord < 1) {
            throw new IllegalArgumentException("steps per record must be at least 1");
        }
        if (maxLagRecords < 1) {
            throw new IllegalArgumentException("the lag bound must be at least 1 record");
        }
    }

    public static GeneratorConfig of(String bootstrap, Topics topics, String clientId) {
        return new GeneratorConfig(bootstrap, topics, clientId, Runtime.getRuntime().availableProcessors(),
                DEFAULT_STEPS_PER_RECORD, DEFAULT_MAX_LAG_RECORDS);
    }
}
