package io.memfleet.workload.kafka;

import io.memfleet.common.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the agents are behind in each workload partition: the log end offset minus the agents'
 * committed offset (the log start where they have committed nothing), asked of the cluster at
 * most every {@code refreshMs}. What it reads is the backpressure signal of every generator.
 */
final class LagProbe {
    private final Admin admin;
    private final Topics topics;
    private final long refreshMs;
    private final Map<Integer, Long> lag = new HashMap<>();
    /** Records published per partition since the last answer. */
    private final Map<Integer, Long> since = new HashMap<>();
    private long lastMs;

    LagProbe(Admin admin, Topics topics, long refreshMs) {
        this.admin = admin;
        this.topics = topics;
        this.refreshMs = refreshMs;
    }

    /**
     * Records the agents have yet to commit in the partition (unknown: treated as none): the last
     * answer plus what was published since, so a generator far from its bound publishes round after
     * round without asking the cluster each time; at the bound, the cluster is asked again.
     */
    long lag(int partition, long bound) {
        refresh();
        long mine = since.getOrDefault(partition, 0L);
        if (lag.getOrDefault(partition, 0L) + mine > bound && mine > 0) {
            lastMs = 0; // over the bound by our own count: the agents may have caught up since
            refresh();
        }
        return lag.getOrDefault(partition, 0L) + since.getOrDefault(partition, 0L);
    }

    /** Counts records just published to the partition, until the next answer from the cluster. */
    void published(int partition, long records) {
        since.merge(partition, records, Long::sum);
    }

    private void refresh() {
        long now = System.currentTimeMillis();
        if (now - lastMs < refreshMs) {
            return;
        }
        lastMs = now;
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (int p = 0; p < topics.partitions(); p++) {
            latest.put(new TopicPartition(topics.workload(), p), OffsetSpec.latest());
            earliest.put(new TopicPartition(topics.workload(), p), OffsetSpec.earliest());
        }
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(latest).all()
                    .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> start = admin.listOffsets(earliest).all()
                    .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(topics.agentGroup())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            since.clear(); // the cluster's answer includes what was published before it
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : end.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                long done = c != null ? c.offset() : start.get(e.getKey()).offset();
                lag.put(e.getKey().partition(), Math.max(0, e.getValue().offset() - done));
            }
        } catch (ExecutionException | TimeoutException e) {
            // the cluster did not answer now: keep the last reading and ask again on the next refresh
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
