package io.memfleet.controller;

import io.memfleet.agent.kafka.KafkaClients;
import io.memfleet.common.Topics;
import io.memfleet.controller.http.ControllerVerticle;
import io.memfleet.controller.kafka.FleetFeed;
import io.memfleet.controller.model.FleetState;
import io.memfleet.proto.v1.ConfigRollout;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A running controller: Vert.x with the {@link ControllerVerticle} (HTTP API, metrics, state), the
 * Kafka feed of telemetry and acks on its own thread, and the producer of desired configuration.
 */
public final class ControllerRuntime implements AutoCloseable {
    private final Vertx vertx;
    private final ControllerVerticle verticle;
    private final FleetFeed feed;
    private final Thread feedThread;
    private final KafkaProducer<String, byte[]> producer;

    public ControllerRuntime(String bootstrap, Topics topics, int httpPort, int maxMetricNodes, int maxMetricCgroups)
            throws InterruptedException, ExecutionException, TimeoutException {
        this.producer = KafkaClients.producer(bootstrap, topics.prefix() + "-controller");
        this.vertx = Vertx.vertx();
        String host = System.getenv().getOrDefault("MEMFLEET_HTTP_HOST", "127.0.0.1");
        this.verticle = new ControllerVerticle(host, httpPort, ro -> producer.send(
                new ProducerRecord<>(topics.configDesired(), ro.getRolloutId(), ro.toByteArray())),
                maxMetricNodes, maxMetricCgroups);
        vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        this.feed = new FleetFeed(bootstrap, topics, verticle::accept);
        this.feedThread = new Thread(feed, "memfleet-controller-feed");
        feedThread.start();
    }

    public int httpPort() {
        return verticle.actualPort();
    }

    /** Reads the fleet state on the controller's event loop. */
    public <T> T query(Function<FleetState, T> f) throws InterruptedException, ExecutionException, TimeoutException {
        return verticle.onLoop(f).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    public void applyRollout(ConfigRollout ro) throws InterruptedException, ExecutionException, TimeoutException {
        verticle.onLoop(f -> {
            verticle.applyRollout(ro);
            return null;
        }).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        producer.flush();
    }

    @Override
    public void close() {
        feed.close();
        try {
            feedThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("memfleet controller: Vert.x did not close cleanly: " + e);
        }
    }
}
