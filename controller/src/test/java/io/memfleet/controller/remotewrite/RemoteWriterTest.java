package io.memfleet.controller.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.proto.remotewrite.WriteRequest;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentSeries;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.SeriesPoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** The shell's decisions with a sender that answers what the test says: retry with backoff, drop a refusal, drain. */
class RemoteWriterTest {
    private static final URI URL = URI.create("http://127.0.0.1:9/api/v1/write");
    private final Deque<Integer> statuses = new ArrayDeque<>();
    private final List<byte[]> bodies = new ArrayList<>();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final RemoteWriter writer = new RemoteWriter(URL, Runnable::run, new PrintStream(logged, true,
            StandardCharsets.UTF_8), body -> {
                bodies.add(body);
                return CompletableFuture.completedFuture(new RemoteWriter.Answer(statuses.poll(), "answer"));
            });

    private static Experiment experiment(ExperimentState state) {
        return Experiment.newBuilder().setId("e").setState(state).setSubmittedAtMs(100_000).setDurationNs(10_000_000_000L)
                .build();
    }

    private void take(ExperimentState state, int points) {
        ExperimentSeries.Builder s = ExperimentSeries.newBuilder().setExperimentId("e");
        for (int t = 1; t <= points; t++) {
            s.addPoints(SeriesPoint.newBuilder().setSimTimeNs(t * 1_000_000_000L).setCgroup("/web"));
        }
        writer.take(List.of(experiment(state)), Map.of("e", List.of(s.build()))::get);
    }

    private String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFailedRequestIsSentAgainWhenItsBackoffIsOverAndTheBackoffDoubles() throws Exception {
        statuses.addAll(List.of(503, -1, 204));
        take(ExperimentState.RUNNING, 2);
        writer.pump(0);
        assertEquals(1, bodies.size());
        assertTrue(log().contains("remote write to " + URL + " failed (HTTP 503); retrying in 1 s"), log());
        writer.pump(500);
        assertEquals(1, bodies.size(), "not before its backoff is over");
        long retryAt = System.currentTimeMillis() + RemoteWriter.FIRST_BACKOFF_MS;
        writer.pump(retryAt + 1000);
        assertEquals(2, bodies.size());
        assertTrue(log().contains("retrying in 2 s"), log());
        writer.pump(retryAt + 1000 + 2 * RemoteWriter.FIRST_BACKOFF_MS + 1000);
        assertEquals(3, bodies.size());
        assertEquals(bodies.get(0).length, bodies.get(2).length, "the same request again");
        assertEquals(0, writer.pendingSamples());
        WriteRequest sent = WriteRequest.parseFrom(Snappy.uncompress(bodies.get(2)));
        assertTrue(sent.getTimeseriesCount() > 0);
    }

    @Test
    void aRefusedRequestIsLoggedAndDroppedAndTheNextGoes() {
        statuses.addAll(List.of(400));
        take(ExperimentState.RUNNING, 1);
        writer.pump(0);
        assertTrue(log().contains("refused"), log());
        assertTrue(log().contains("HTTP 400: answer"), log());
        assertEquals(0, writer.pendingSamples());
    }

    @Test
    void anEndedExperimentIsTakenOnceAndDrainingCompletesWhenAllIsAnswered() {
        statuses.addAll(List.of(204));
        take(ExperimentState.RUNNING, 1);
        CompletableFuture<Void> drained = writer.whenDrained();
        assertFalse(drained.isDone());
        take(ExperimentState.DONE, 3);
        int pending = writer.pendingSamples();
        take(ExperimentState.DONE, 5);
        assertEquals(pending, writer.pendingSamples(), "an ended experiment is not taken again");
        writer.pump(0);
        assertTrue(drained.isDone());
    }
}
