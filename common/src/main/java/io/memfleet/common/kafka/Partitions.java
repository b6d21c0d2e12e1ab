package io.memfleet.common.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/** The partition a key belongs to: what Kafka's default partitioner picks (murmur2 of the key bytes). */
public final class Partitions {
    private Partitions() {
    }

    public static int of(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
