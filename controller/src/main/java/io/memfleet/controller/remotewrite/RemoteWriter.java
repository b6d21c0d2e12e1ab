package io.memfleet.controller.remotewrite;

import io.memfleet.protocol.ExperimentStates;
import io.memfleet.controller.experiment.ExperimentManager;
import io.memfleet.proto.remotewrite.WriteRequest;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentSeries;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.SeriesPoint;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.xerial.snappy.Snappy;

/**
 * Pushes each experiment's fleet series to a Prometheus remote-write endpoint with simulated
 * timestamps: the thin shell around {@link RemoteWriteBatcher}. {@link #tick} runs on the
 * controller's event loop (where the experiments live) through {@code loop}; one request is in
 * flight at a time, so each series' samples arrive in order. A refused request (a 4xx: samples too
 * old, out of order) is logged with the URL and dropped; an unreachable endpoint or a 5xx is
 * logged and retried with a backoff from 1 s doubling to 30 s. Nothing here stops the controller.
 */
public final class RemoteWriter {
    /** Samples per request: Prometheus's own remote write sends up to 2,000 (max_samples_per_send). */
    static final int MAX_SAMPLES = 2000;
    static final long FIRST_BACKOFF_MS = 1000;
    static final long MAX_BACKOFF_MS = 30_000;

    /** An HTTP status and body, or status -1 and what went wrong. */
    public record Answer(int status, String body) { }

    /** Sends one compressed request; completes with the endpoint's answer (never exceptionally). */
    public interface Sender {
        CompletableFuture<Answer> send(byte[] body);
    }

    private final URI url;
    private final PrintStream log;
    private final Executor loop;
    private final Sender sender;
    private final RemoteWriteBatcher batcher = new RemoteWriteBatcher(MAX_SAMPLES);
    private final Set<String> sent = new HashSet<>();
    /** The compressed request being sent or waiting to be sent again, and its sample count. */
    private byte[] inFlight;
    private long samples;
    private boolean awaiting;
    private long retryAtMs;
    private long backoffMs = FIRST_BACKOFF_MS;
    private CompletableFuture<Void> drained;

    /** {@code loop} runs a task on the controller's event loop. */
    public RemoteWriter(URI url, Executor loop, PrintStream log) {
        this(url, loop, log, http(url));
    }

    RemoteWriter(URI url, Executor loop, PrintStream log, Sender sender) {
        this.url = url;
        this.loop = loop;
        this.log = log;
        this.sender = sender;
    }

    /** POSTs with java.net.http. */
    private static Sender http(URI url) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return body -> http.sendAsync(request(url, body), HttpResponse.BodyHandlers.ofString())
                .handle((r, err) -> r == null ? new Answer(-1, String.valueOf(err)) : new Answer(r.statusCode(), r.body()));
    }

    /**
     * Takes every experiment's new points and sends the next request if none is in flight. On the
     * controller's event loop.
     */
    public void tick(ExperimentManager experiments, long nowMs) {
        take(experiments.all(), experiments::series);
        pump(nowMs);
    }

    /** Takes the new points of {@code experiments}, whose series so far {@code series} gives. */
    void take(Collection<Experiment> experiments, Function<String, List<ExperimentSeries>> series) {
        for (Experiment e : experiments) {
            if (sent.contains(e.getId()) || e.getState() == ExperimentState.ACCEPTED) {
                continue;
            }
            boolean ended = ExperimentStates.isFinal(e.getState());
            batcher.offer(e.getId(), startMs(e), points(series.apply(e.getId())));
            if (ended) {
                sent.add(e.getId()); // every point is in the chunks of an ended experiment
                batcher.forget(e.getId());
            }
        }
    }

    /** Sends the next request, or the refused one again once its backoff is over. */
    void pump(long nowMs) {
        checkDrained();
        if (awaiting || nowMs < retryAtMs) {
            return;
        }
        if (inFlight == null) {
            WriteRequest next = batcher.next();
            if (next == null) {
                return;
            }
            inFlight = compress(next);
            samples = next.getTimeseriesList().stream().mapToLong(t -> t.getSamplesCount()).sum();
        }
        send();
    }

    /**
     * Where simulated time 0 lands: the experiment's submission time less its duration, so that its
     * whole run is in the past when it is written (Prometheus takes no sample older than about an
     * hour before its newest, and a sample in the future would push that window past other series).
     */
    static long startMs(Experiment e) {
        return e.getSubmittedAtMs() - e.getDurationNs() / 1_000_000;
    }

    private static List<SeriesPoint> points(List<ExperimentSeries> chunks) {
        List<SeriesPoint> out = new ArrayList<>();
        chunks.forEach(c -> out.addAll(c.getPointsList()));
        return out;
    }

    static byte[] compress(WriteRequest r) {
        try {
            return Snappy.compress(r.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("snappy cannot compress a remote-write request", e);
        }
    }

    /** The request as Prometheus's remote write 1.0 sends it. */
    static HttpRequest request(URI url, byte[] body) {
        return HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Encoding", "snappy").header("Content-Type", "application/x-protobuf")
                .header("User-Agent", "memfleet-controller").header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private void send() {
        awaiting = true;
        sender.send(inFlight).thenAccept(a -> loop.execute(() -> answered(a.status(), a.body(), System.currentTimeMillis())));
    }

    private void checkDrained() {
        if (pendingSamples() == 0 && drained != null) {
            drained.complete(null);
        }
    }

    private void answered(int status, String text, long nowMs) {
        awaiting = false;
        String body = text.length() > 300 ? text.substring(0, 300) + "..." : text;
        if (status >= 200 && status < 300) {
            inFlight = null;
            backoffMs = FIRST_BACKOFF_MS;
        } else if (status >= 400 && status < 500) {
            log.println("memfleet controller: remote write to " + url + " refused " + samples + " samples (HTTP "
                    + status + ": " + body.strip() + "); dropped");
            inFlight = null;
        } else {
            log.println("memfleet controller: remote write to " + url + " failed (" + (status < 0 ? body : "HTTP " + status)
                    + "); retrying in " + backoffMs / 1000 + " s");
            retryAtMs = nowMs + backoffMs;
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
        checkDrained();
    }

    /**
     * Completes once every sample taken so far has been answered for (a controller that stops
     * waits a little for it). On the controller's event loop; the answers and ticks complete it.
     */
    public CompletableFuture<Void> whenDrained() {
        if (drained == null || drained.isDone()) {
            drained = new CompletableFuture<>();
        }
        return drained;
    }

    /** Samples taken and not yet answered for. */
    public int pendingSamples() {
        return batcher.pendingSamples() + (inFlight == null ? 0 : (int) samples);
    }
}
