package io.memfleet.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/** Idempotent topic creation through an {@link Admin} client (any cluster, not only the embedded one). */
public final class Topics {

    private Topics() {
    }

    /**
     * Creates each topic (name to partition count) with the broker's default replication factor
     * and the given topic configs; a topic that already exists is left unchanged. Returns once
     * every partition of every named topic has a leader.
     *
     * @throws IllegalStateException on a creation error or when {@code timeout} passes first
     */
    public static void create(Admin admin, Map<String, Integer> partitions, Map<String, String> configs,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<NewTopic> topics = new ArrayList<>();
        partitions.forEach((name, n) -> topics.add(
                new NewTopic(name, Optional.of(n), Optional.empty()).configs(configs)));
        admin.createTopics(topics).values().forEach((name, future) -> {
            try {
                await(future, deadline);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name, e.getCause());
                }
            }
        });
        awaitLeaders(admin, partitions.keySet(), deadline);
    }

    /** Polls describeTopics until every partition has a leader. */
    private static void awaitLeaders(Admin admin, Iterable<String> names, long deadline) {
        List<String> list = new ArrayList<>();
        names.forEach(list::add);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> described = await(admin.describeTopics(list).allTopicNames(), deadline);
                if (described.values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null))) {
                    return;
                }
            } catch (ExecutionException e) {
                last = e; // metadata not propagated yet (UnknownTopicOrPartition): ask again
            }
        }
        throw new IllegalStateException("topics " + list + " have no leaders in time", last);
    }

    private static <T> T await(KafkaFuture<T> future, long deadline) throws ExecutionException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("admin request timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
