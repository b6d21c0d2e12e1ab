package io.memfleet.agent.core;

/**
 * One record the agent core wants sent: to which stream, which partition (-1: by key, as Kafka's
 * default partitioner places it), its key and value (null: a tombstone).
 */
public record Send(Channel channel, int partition, String key, byte[] value) {
    /** The streams an agent writes; the adapter maps them to topic names. */
    public enum Channel { TELEMETRY, RESULTS, ACKS, SNAPSHOTS, DEAD_LETTER }
}
