package io.memfleet.it.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** A controller's experiment API as the tests use it: submit a file, read an experiment, await its end. */
public final class ControllerApi {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String token;

    public ControllerApi(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public ControllerApi(int port, String token) {
        this("http://127.0.0.1:" + port, token);
    }

    /** POST /api/experiments with {@code yaml}; its answer. */
    public HttpResponse<String> post(String yaml) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/experiments"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Submits {@code yaml}, which must be accepted; the experiment's id. */
    public String submit(String yaml) throws Exception {
        HttpResponse<String> r = post(yaml);
        assertEquals(201, r.statusCode(), r.body());
        return new JsonObject(r.body()).getString("id");
    }

    public HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The experiment as the API shows it; empty when it cannot be read (not yet known, the controller away). */
    public JsonObject experiment(String id) {
        try {
            HttpResponse<String> r = get("/api/experiments/" + id);
            return r.statusCode() == 200 ? new JsonObject(r.body()) : new JsonObject();
        } catch (Exception e) {
            return new JsonObject();
        }
    }

    /** Its simulated seconds so far. */
    public double simulatedSeconds(String id) {
        return experiment(id).getJsonObject("progress", new JsonObject()).getDouble("simulated_seconds", 0.0);
    }

    /** Waits until the experiment ends (done, failed or cancelled); how it ended. */
    public JsonObject awaitEnd(String id, Duration within) {
        FleetHarness.await(id + " ends", within,
                () -> List.of("done", "failed", "cancelled").contains(experiment(id).getString("state", "")));
        return experiment(id);
    }
}
