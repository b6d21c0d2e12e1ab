package io.memfleet.controller;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memfleet.common.Topics;
import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.common.kafka.TopicScan;
import io.memfleet.controller.experiment.ExperimentManager;
import io.memfleet.controller.http.ControllerVerticle;
import io.memfleet.controller.kafka.FleetFeed;
import io.memfleet.controller.model.FleetState;
import io.memfleet.controller.remotewrite.RemoteWriter;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.protocol.NodeIds;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A running controller: it first reads the experiments topic back (its own earlier decisions),
 * then serves Vert.x with the {@link ControllerVerticle} (HTTP API, metrics, state), reads the
 * fleet's reports and the experiment requests on its own thread. Generators are started by whoever
 * composes the fleet (the command line runs one beside it), never by the controller.
 */
public final class ControllerRuntime implements AutoCloseable {
    private static final SecureRandom IDS = new SecureRandom();

    private final Vertx vertx;
    private final ControllerVerticle verticle;
    private final FleetFeed feed;
    private final Thread feedThread;
    private final KafkaProducer<String, byte[]> producer;
    private final String token;
    /** The remote write of experiments' series in simulated time (null without --remote-write). */
    private final RemoteWriter remoteWriter;
    static final long REMOTE_WRITE_TICK_MS = 1000;
    static final long REMOTE_WRITE_DRAIN_S = 10;

    public ControllerRuntime(ControllerConfig cfg, PrintStream log)
            throws InterruptedException, ExecutionException, TimeoutException {
        this.token = cfg.token();
        Topics topics = cfg.topics();
        this.producer = KafkaClients.producer(cfg.bootstrap(), cfg.clientId());
        ExperimentManager manager = new ExperimentManager(topics.partitions(), System::currentTimeMillis,
                ControllerRuntime::newId);
        replay(cfg, manager, log);
        this.vertx = Vertx.vertx();
        this.verticle = new ControllerVerticle(cfg.httpHost(), cfg.httpPort(), new ControllerVerticle.Publisher() {
            @Override
            public void rollout(ConfigRollout ro) {
                producer.send(new ProducerRecord<>(topics.configDesired(), ro.getRolloutId(), ro.toByteArray()),
                        failed("rollout " + ro.getRolloutId(), log));
            }

            @Override
            public void experiment(Experiment e) {
                producer.send(new ProducerRecord<>(topics.experiments(), e.getId(), e.toByteArray()),
                        failed("experiment " + e.getId(), log));
            }

            @Override
            public void series(io.memfleet.proto.v1.ExperimentSeries s) {
                producer.send(new ProducerRecord<>(topics.results(), NodeIds.seriesKey(s.getExperimentId(), s.getChunk()),
                        s.toByteArray()), failed("series of " + s.getExperimentId(), log));
            }
        }, manager, cfg.metrics(), cfg.token());
        vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        this.remoteWriter = cfg.remoteWrite() == null ? null : new RemoteWriter(cfg.remoteWrite(), this::onLoop, log);
        if (remoteWriter != null) {
            vertx.setPeriodic(REMOTE_WRITE_TICK_MS, id -> onLoop(() -> remoteWriter.tick(verticle.experiments(),
                    System.currentTimeMillis())));
            log.println("memfleet controller: remote write to " + cfg.remoteWrite() + " (simulated time, see README)");
        }
        this.feed = new FleetFeed(cfg.bootstrap(), topics, cfg.clientId(), verticle::accept, log);
        this.feedThread = new Thread(feed, "memfleet-controller-feed");
        feedThread.start();
    }

    /** A new experiment id: its name and six random base-36 characters. */
    static String newId(String name) {
        StringBuilder sb = new StringBuilder(name).append('-');
        for (int i = 0; i < 6; i++) {
            sb.append(Character.forDigit(IDS.nextInt(36), 36));
        }
        return sb.toString();
    }

    /** The controller's earlier decisions, read back before it decides anything new. */
    private static void replay(ControllerConfig cfg, ExperimentManager manager, PrintStream log) {
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(cfg.bootstrap(), null, cfg.clientId() + "-replay")) {
            TopicScan.readToEnd(c, List.of(new TopicPartition(cfg.topics().experiments(), 0)), Duration.ofSeconds(60), r -> {
                if (r.value() == null) {
                    return;
                }
                try {
                    Experiment e = Experiment.parseFrom(r.value());
                    if (!e.getId().startsWith("rejected-")) {
                        manager.replay(e);
                    }
                } catch (InvalidProtocolBufferException e) {
                    log.println("memfleet controller: skipping an unreadable experiment record at offset " + r.offset());
                }
            });
        }
    }

    /** A send callback that says when the broker did not store a record. */
    private static org.apache.kafka.clients.producer.Callback failed(String what, PrintStream log) {
        return (md, e) -> {
            if (e != null) {
                log.println("memfleet controller: the " + what + " was not stored: " + e);
            }
        };
    }

    /** The token state-changing HTTP requests must carry ({@code Authorization: Bearer TOKEN}). */
    public String token() {
        return token;
    }

    public int httpPort() {
        return verticle.actualPort();
    }

    /** Reads the fleet state on the controller's event loop. */
    public <T> T query(Function<FleetState, T> f) throws InterruptedException, ExecutionException, TimeoutException {
        return verticle.onLoop(f).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Reads an experiment on the controller's event loop (null if unknown). */
    public Experiment experiment(String id) throws InterruptedException, ExecutionException, TimeoutException {
        return verticle.onLoop(f -> verticle.experiments().get(id)).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    public void applyRollout(ConfigRollout ro) throws InterruptedException, ExecutionException, TimeoutException {
        verticle.onLoop(f -> {
            verticle.applyRollout(ro);
            return null;
        }).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        producer.flush();
    }

    private void onLoop(Runnable task) {
        verticle.onLoop(f -> {
            task.run();
            return null;
        });
    }

    /** Gives the remote write a few seconds to send what it has taken: the last points of a run that just ended. */
    private void drainRemoteWrite() {
        try {
            verticle.onLoop(f -> {
                remoteWriter.tick(verticle.experiments(), System.currentTimeMillis());
                return remoteWriter.whenDrained();
            }).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).get(REMOTE_WRITE_DRAIN_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("memfleet controller: the remote write did not send everything before the stop: " + e);
        }
    }

    @Override
    public void close() {
        if (remoteWriter != null) {
            drainRemoteWrite();
        }
        feed.close();
        join(feedThread);
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("memfleet controller: Vert.x did not close cleanly: " + e);
        }
        producer.close(Duration.ofSeconds(5));
    }

    private static void join(Thread t) {
        try {
            t.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
