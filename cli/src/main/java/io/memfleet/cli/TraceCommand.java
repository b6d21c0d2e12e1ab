package io.memfleet.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code memfleet trace import prometheus ...}: traces brought in from where they are kept. */
@Command(name = "trace", mixinStandardHelpOptions = true, subcommands = TraceCommand.Import.class,
        description = "Traces for the trace and trace-churn workload models.")
final class TraceCommand extends CommandGroup {
    @Override
    String missing() {
        return "a subcommand";
    }

    /** {@code trace import SOURCE}: one subcommand per source. */
    @Command(name = "import", mixinStandardHelpOptions = true, subcommands = Prometheus.class,
            description = "Writes a trace file from a source of recorded series.")
    static final class Import extends CommandGroup {
        @Override
        String missing() {
            return "a source";
        }
    }

    /** {@code trace import prometheus}: a range query of the user's Prometheus as a long-format trace. */
    @Command(name = "prometheus", mixinStandardHelpOptions = true,
            description = {"Reads a range query from a Prometheus server (for example your cAdvisor's "
                    + "container_memory_working_set_bytes{namespace=\"web\"}) and writes FILE, a long-format trace "
                    + "(series,time,bytes: one series per label set, time in unix seconds) that the trace model "
                    + "replays with format: long, series_column: series, time_column: time, value_column: bytes, "
                    + "value_unit: bytes. The label sets go to FILE.labels.json (series i is node i's). A range longer "
                    + "than the server's 11,000 points a query is read in windows. An unreachable server, a refused "
                    + "query, an empty result or a server error exits with status 2; FILE is written whole or not at "
                    + "all, and an existing one only with --force."})
    static final class Prometheus implements Callable<Integer> {
        private final Console io;

        Prometheus(Console io) {
            this.io = io;
        }

        @Option(names = "--url", required = true, paramLabel = "URL", description = "the server's base URL, e.g. "
                + "http://127.0.0.1:9090")
        String url;

        @Option(names = "--query", required = true, paramLabel = "PROMQL", description = "the PromQL expression")
        String query;

        @Option(names = "--start", required = true, paramLabel = "T", description = "RFC 3339 (2026-12-01T10:00:00Z), "
                + "unix seconds, now or now-DURATION (now-2h)")
        String start;

        @Option(names = "--end", required = true, paramLabel = "T", description = "as --start")
        String end;

        @Option(names = "--step", required = true, paramLabel = "S", description = "resolution: 15s, 1m, 5m, ...")
        String step;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the trace file to write")
        Path out;

        @Option(names = "--force", description = "replace an existing FILE (and its .labels.json)")
        boolean force;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Converters.Duration.class,
                description = "for each request to the server (default: ${DEFAULT-VALUE})")
        long timeoutNs;

        @Override
        public Integer call() throws IOException {
            Instant now = Instant.now();
            BigDecimal from = PrometheusRange.time(start, "--start", now);
            BigDecimal to = PrometheusRange.time(end, "--end", now);
            BigDecimal every = PrometheusRange.seconds(step, "--step");
            List<PrometheusRange.Window> windows = PrometheusRange.windows(from, to, every);
            Path labels = labelsFile(out);
            for (Path p : List.of(out, labels)) {
                if (Files.exists(p) && !force) {
                    throw new UserError(p + " exists (--force replaces it)", 2);
                }
            }
            URI base = base(url);
            PrometheusRange.Result result = new PrometheusRange.Result();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofNanos(timeoutNs)).build();
            for (PrometheusRange.Window w : windows) {
                HttpResponse<String> r = get(http, base.resolve(base.getPath() + "api/v1/query_range?query="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&start=" + w.start().toPlainString()
                        + "&end=" + w.end().toPlainString() + "&step=" + every.toPlainString()));
                PrometheusRange.merge(r.statusCode(), r.body(), result);
            }
            long samples = result.series.values().stream().mapToLong(s -> s.samples().size()).sum();
            if (samples == 0) {
                throw new UserError("the query matched no series with samples from " + start + " to " + end + ": "
                        + query, 2);
            }
            ResultsWriter.replace(out, f -> writeTrace(f, result));
            ResultsWriter.replace(labels, f -> Files.writeString(f, labelSets(result, url, query, from, to, every)
                    .encodePrettily()
                    + "\n", StandardCharsets.UTF_8));
            io.out().printf("[trace import] %d series, %d samples%s to %s; label sets in %s%n", result.series.size(),
                    samples, result.notFinite > 0 ? " (" + result.notFinite + " NaN or infinite samples left out)" : "",
                    out, labels);
            return 0;
        }

        private HttpResponse<String> get(HttpClient http, URI uri) {
            try {
                return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(timeoutNs)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UserError("cannot reach Prometheus at " + url + " (" + e + ")", 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted", 130);
            }
        }
    }

    /** The side file of a trace file: {@code FILE.labels.json}. */
    static Path labelsFile(Path trace) {
        return trace.resolveSibling(trace.getFileName() + ".labels.json");
    }

    /** The server's base URL, ending with '/'; anything but an http(s) URL with a host is the user's mistake. */
    static URI base(String url) {
        try {
            URI u = new URI(url.endsWith("/") ? url : url + "/");
            if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                    || u.getQuery() != null) {
                throw new URISyntaxException(url, "expected http://HOST:PORT or https://HOST:PORT/PATH");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new UserError("--url: not a Prometheus base URL such as http://127.0.0.1:9090: '" + url + "'", 2);
        }
    }

    /** series,time,bytes: series s0000, s0001, ... in label order, each in time order. */
    static void writeTrace(Path f, PrometheusRange.Result r) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            w.write("series,time,bytes\n");
            int i = 0;
            for (PrometheusRange.Series s : r.series.values()) {
                String id = seriesId(i++);
                // in time order already: Prometheus answers a series in time order, and the windows are asked in order
                for (String[] p : s.samples()) {
                    w.write(id + "," + p[0] + "," + p[1] + "\n");
                }
            }
        }
    }

    static String seriesId(int i) {
        return String.format("s%04d", i);
    }

    /** FILE.labels.json: the query, its range, and each series' id, node index, labels and sample count. */
    static JsonObject labelSets(PrometheusRange.Result r, String url, String query, BigDecimal start, BigDecimal end,
                                BigDecimal step) {
        JsonArray series = new JsonArray();
        int i = 0;
        for (PrometheusRange.Series s : r.series.values()) {
            JsonObject labels = new JsonObject();
            for (Map.Entry<String, String> e : s.labels().entrySet()) {
                labels.put(e.getKey(), e.getValue());
            }
            series.add(new JsonObject().put("series", seriesId(i)).put("node_index", i++).put("labels", labels)
                    .put("selector", s.text()).put("samples", s.samples().size()));
        }
        return new JsonObject().put("url", url).put("query", query).put("start", start.toPlainString()).put("end", end.toPlainString())
                .put("step_seconds", step.toPlainString()).put("series", series);
    }
}
