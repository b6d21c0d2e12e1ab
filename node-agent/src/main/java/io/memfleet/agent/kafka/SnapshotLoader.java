package io.memfleet.agent.kafka;

import io.memfleet.agent.core.StoredRecord;
import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.common.kafka.TopicScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads some partitions of the snapshot topic from the start to their end, record by record,
 * committed records only. It first waits until every transaction written before it started has
 * ended (the last stable offset has reached the high watermark it saw), so a predecessor's commit
 * still in flight is either wholly in what it reads, offsets included, or wholly aborted.
 */
final class SnapshotLoader {
    private SnapshotLoader() {
    }

    static Map<Integer, List<StoredRecord>> load(String bootstrap, String topic, Collection<Integer> partitions,
                                                 String clientId, Duration timeout) {
        Map<Integer, List<StoredRecord>> out = new HashMap<>();
        if (partitions.isEmpty()) {
            return out;
        }
        for (int p : partitions) {
            out.put(p, new ArrayList<>());
        }
        List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(bootstrap, null, clientId + "-snapshots")) {
            Map<TopicPartition, Long> written = highWatermarks(bootstrap, clientId, tps, timeout);
            while (!stable(c.endOffsets(tps, timeout), written)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("a transaction on " + tps + " stayed open for " + timeout);
                }
                backOff();
            }
            TopicScan.readToEnd(c, tps, timeout,
                    r -> out.get(r.partition()).add(new StoredRecord(r.key(), r.value(), r.offset())));
        }
        return out;
    }

    private static void backOff() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for open transactions", e);
        }
    }

    private static boolean stable(Map<TopicPartition, Long> lastStable, Map<TopicPartition, Long> written) {
        return written.entrySet().stream().allMatch(e -> lastStable.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    /** The end of each partition including records of transactions still open. */
    private static Map<TopicPartition, Long> highWatermarks(String bootstrap, String clientId,
                                                            List<TopicPartition> tps, Duration timeout) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        tps.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        try (Admin admin = KafkaClients.admin(bootstrap, clientId + "-snapshots-admin")) {
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the end of " + tps + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the end of " + tps, e);
        }
    }
}
