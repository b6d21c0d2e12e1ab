package io.memfleet.controller.kafka;

import io.memfleet.common.Topics;
import io.memfleet.common.kafka.KafkaClients;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * One controller per fleet: the fleet's lease is the single partition of the experiments topic in
 * the consumer group {@code <prefix>-controller-lease}. The member Kafka assigns it to is the
 * active controller; any other waits as a standby. The partition is paused (the lease is held, not
 * read). Kafka's group coordinator moves it when its holder leaves or has not been heard from for
 * {@link #SESSION_TIMEOUT_MS} (killed, stopped, cut off); the cooperative-sticky assignor leaves it
 * where it is when a standby joins. A holder that learns it was dropped from the group (it was
 * stopped and resumed, say) has lost the lease and must stop acting at once.
 */
public final class ControllerLease implements Runnable, AutoCloseable {
    /** How long a silent holder keeps the lease: the longest a standby waits after the active dies. */
    public static final int SESSION_TIMEOUT_MS = 10_000;

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final String group;
    private final PrintStream log;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean held;

    public ControllerLease(String bootstrap, Topics topics, String clientId, PrintStream log) {
        this.topic = topics.experiments();
        this.group = topics.controllerGroup() + "-lease";
        this.log = log;
        this.consumer = KafkaClients.consumer(bootstrap, group, clientId + "-lease",
                Map.of("session.timeout.ms", SESSION_TIMEOUT_MS, "heartbeat.interval.ms", SESSION_TIMEOUT_MS / 4));
        this.thread = new Thread(this, "memfleet-controller-lease");
        thread.setDaemon(true);
        thread.start();
    }

    /** The consumer group whose member holds the lease. */
    public String group() {
        return group;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        set(false);
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    consumer.pause(partitions);
                    if (!partitions.isEmpty()) {
                        set(true);
                    }
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    set(false);
                }
            });
            while (running) {
                consumer.poll(Duration.ofMillis(200));
            }
        } catch (WakeupException e) {
            // closed
        } catch (RuntimeException e) {
            log.println("memfleet controller: the lease's consumer stopped: " + e);
            set(false);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            set(false);
        }
    }

    private synchronized void set(boolean now) {
        held = now;
        notifyAll();
    }

    public synchronized boolean held() {
        return held;
    }

    /** Waits until this controller holds the lease or {@code timeout} passes; true when held. */
    public synchronized boolean awaitHeld(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!held && running) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return held;
    }

    /** Leaves the group: a standby takes the lease at once, without waiting for the session to time out. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            notifyAll();
        }
    }
}
