package io.memfleet.common.kafka;

import io.memfleet.common.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates memfleet's topics on any cluster, idempotently: each with its partition count and
 * configs and the cluster's default replication factor (so a three-broker cluster configured for
 * RF 3 and min.insync.replicas 2 gets both). An existing topic is left as it is, and the fleet's
 * partition count is what its workload topic has: every process of a fleet hashes nodes to the
 * same partitions, whatever it was started with.
 */
public final class FleetTopics {
    private FleetTopics() {
    }

    /** Creates what is missing; returns the fleet's topics with the partition count the cluster has. */
    public static Topics ensure(String bootstrap, Topics topics, Duration timeout) {
        try (Admin admin = KafkaClients.admin(bootstrap, topics.prefix() + "-topics")) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<NewTopic> wanted = new ArrayList<>();
            for (Topics.Spec s : topics.all()) {
                wanted.add(new NewTopic(s.name(), Optional.of(s.partitions()), Optional.empty()).configs(s.configs()));
            }
            admin.createTopics(wanted).values().forEach((name, f) -> {
                try {
                    await(f, deadline);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(),
                                e.getCause());
                    }
                }
            });
            Map<String, TopicDescription> d = awaitLeaders(admin, topics.all().stream().map(Topics.Spec::name).toList(),
                    deadline);
            awaitServing(admin, d, deadline);
            int actual = d.get(topics.workload()).partitions().size();
            for (Topics.Spec s : topics.all()) {
                int n = d.get(s.name()).partitions().size();
                if (s.partitions() == topics.partitions() && n != actual) {
                    throw new IllegalStateException("topic " + s.name() + " has " + n + " partitions but "
                            + topics.workload() + " has " + actual + ": a node's records would not share a partition");
                }
            }
            return actual == topics.partitions() ? topics : new Topics(topics.prefix(), actual);
        }
    }

    /** Polls describeTopics until every partition has a leader. */
    private static Map<String, TopicDescription> awaitLeaders(Admin admin, List<String> names, long deadline) {
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> d = await(admin.describeTopics(names).allTopicNames(), deadline);
                if (d.values().stream().allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null))) {
                    return d;
                }
            } catch (ExecutionException e) {
                last = e; // metadata not propagated yet: ask again
            }
            LockSupport.parkNanos(20_000_000L);
        }
        throw new IllegalStateException("topics " + names + " have no leaders in time", last);
    }

    /**
     * Waits until every partition's leader serves it: a leader in the metadata may not yet have
     * become leader in its replica manager, and a produce it refuses then (NOT_LEADER_OR_FOLLOWER)
     * can leave an idempotent producer's later batch ahead of its first one (OUT_OF_ORDER_SEQUENCE,
     * the first batch lost). ListOffsets is answered by the leader's replica manager; the admin
     * client retries it until the leader is ready.
     */
    private static void awaitServing(Admin admin, Map<String, TopicDescription> topics, long deadline) {
        Map<TopicPartition, OffsetSpec> all = new HashMap<>();
        topics.forEach((name, t) -> t.partitions().forEach(p -> all.put(new TopicPartition(name, p.partition()),
                OffsetSpec.latest())));
        try {
            await(admin.listOffsets(all).all(), deadline);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the fleet's partitions are not served: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private static <T> T await(KafkaFuture<T> f, long deadline) throws ExecutionException {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Kafka cluster did not answer in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
