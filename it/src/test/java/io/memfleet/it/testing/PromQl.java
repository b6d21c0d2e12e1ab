package io.memfleet.it.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** PromQL over a Prometheus server's HTTP API, for tests: an instant query's single value, a query's raw result. */
public final class PromQl {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;

    public PromQl(String url) {
        this.url = url;
    }

    /** The {@code data.result} array of an instant query at {@code time} (unix seconds; null: now); fails on an error. */
    public JsonArray result(String query, String time) throws IOException, InterruptedException {
        String u = url + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + (time == null ? "" : "&time=" + time);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(u)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError(query + ": HTTP " + r.statusCode() + ": " + r.body());
        }
        return new JsonObject(r.body()).getJsonObject("data").getJsonArray("result");
    }

    /** The value of an instant query with exactly one series in its answer. */
    public double instant(String query, String time) throws IOException, InterruptedException {
        JsonArray result = result(query, time);
        if (result.size() != 1) {
            throw new AssertionError(query + " at " + time + ": expected one series, got " + result.encode());
        }
        return Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
    }
}
