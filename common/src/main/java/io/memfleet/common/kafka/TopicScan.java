package io.memfleet.common.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads partitions from their beginning up to the end offsets they had when the scan started. */
public final class TopicScan {
    private TopicScan() {
    }

    public static void readToEnd(KafkaConsumer<String, byte[]> c, Collection<TopicPartition> tps, Duration timeout,
                                 Consumer<ConsumerRecord<String, byte[]>> each) {
        c.assign(tps);
        c.seekToBeginning(tps);
        Map<TopicPartition, Long> end = c.endOffsets(tps, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (tps.stream().anyMatch(tp -> c.position(tp, timeout) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out reading " + tps);
            }
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    each.accept(r);
                }
            }
        }
    }
}
