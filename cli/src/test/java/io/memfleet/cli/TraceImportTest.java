package io.memfleet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.memfleet.workload.trace.TraceSet;
import io.memfleet.workload.trace.TraceSpec;
import io.memfleet.workload.trace.TraceStore;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trace import prometheus} against a stand-in server on 127.0.0.1 that answers as the
 * query_range API does (and as it fails); the real server is PrometheusImportIT's.
 */
class TraceImportTest {
    @TempDir
    Path tmp;
    private HttpServer server;
    private final List<Map<String, String>> asked = new ArrayList<>();
    private int status = 200;
    private String body = "";

    private String start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/query_range", x -> {
            Map<String, String> q = new HashMap<>();
            for (String kv : x.getRequestURI().getRawQuery().split("&")) {
                String[] p = kv.split("=", 2);
                q.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
            }
            asked.add(q);
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private MainTest.Outcome importTo(String url, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("trace", "import", "prometheus", "--url", url, "--query",
                "container_memory_working_set_bytes{namespace=\"web\"}", "--start", "1764583200", "--end", "1764583320",
                "--step", "60s", "--out", out.toString()));
        args.addAll(List.of(more));
        return MainTest.memfleet(args.toArray(String[]::new));
    }

    @Test
    void aRangeQueryBecomesALongTraceWithTheLabelSetsBeside() throws Exception {
        String url = start();
        body = """
                {"status":"success","data":{"resultType":"matrix","result":[
                 {"metric":{"pod":"web-b","namespace":"web"},"values":[[1764583200,"2000000"],[1764583260,"NaN"]]},
                 {"metric":{"pod":"web-a","namespace":"web"},"values":[[1764583200,"1.5e+08"],[1764583260.5,"100000000"]]}
                ]}}""";
        Path out = tmp.resolve("web.csv");
        MainTest.Outcome o = importTo(url, out);
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().contains("2 series, 3 samples (1 NaN or infinite samples left out)"), o.out());
        assertEquals("container_memory_working_set_bytes{namespace=\"web\"}", asked.get(0).get("query"));
        assertEquals("series,time,bytes\ns0000,1764583200,1.5e+08\ns0000,1764583260.5,100000000\n"
                + "s0001,1764583200,2000000\n", Files.readString(out));
        JsonObject labels = new JsonObject(Files.readString(tmp.resolve("web.csv.labels.json")));
        assertEquals("web-a", labels.getJsonArray("series").getJsonObject(0).getJsonObject("labels").getString("pod"));
        assertEquals("{namespace=\"web\", pod=\"web-b\"}", labels.getJsonArray("series").getJsonObject(1)
                .getString("selector"));
        TraceSet t = TraceStore.load(TraceSpec.of(Map.of("path", out.toString(), "series_column", "series",
                "time_column", "time", "value_column", "bytes", "value_unit", "bytes"), tmp, Map.of()), 2);
        assertArrayEquals(new double[] {1.5e8, 1e8}, t.series().get(0).values(), "the trace model reads it as written");

        MainTest.Outcome again = importTo(url, out);
        assertEquals(2, again.status(), "an existing --out is not overwritten");
        assertTrue(again.err().contains("exists (--force replaces it)"), again.err());
        assertEquals(0, importTo(url, out, "--force").status());
    }

    @Test
    void aLongRangeIsReadInWindowsTheServerAccepts() {
        List<PrometheusRange.Window> w = PrometheusRange.windows(BigDecimal.ZERO, BigDecimal.valueOf(15 * 25_000),
                BigDecimal.valueOf(15));
        assertEquals(3, w.size());
        assertEquals(BigDecimal.valueOf(15 * 9_999), w.get(0).end());
        assertEquals(BigDecimal.valueOf(15 * 10_000), w.get(1).start());
        assertEquals(BigDecimal.valueOf(15 * 25_000), w.get(2).end());
        assertEquals(new BigDecimal("7200"), PrometheusRange.time("now-2h", "--start", Instant.ofEpochSecond(14_400)));
        assertEquals(new BigDecimal("1764583200.000"), PrometheusRange.time("2025-12-01T10:00:00Z", "--start",
                Instant.EPOCH));
        assertEquals(new BigDecimal("0.5"), PrometheusRange.seconds("500ms", "--step"));
        assertEquals(new BigDecimal("86400"), PrometheusRange.seconds("1d", "--step"));
        assertEquals(new BigDecimal("7200"), PrometheusRange.seconds("2h", "--step"));
        assertEquals(new BigDecimal("2.5"), PrometheusRange.seconds("2.5", "--step"));
        UserError e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class,
                () -> PrometheusRange.seconds("often", "--step"));
        assertEquals(2, e.status());
        assertTrue(e.getMessage().startsWith("--step: not a duration"), e.getMessage());
    }

    @Test
    void everyWayOfFailingIsOneLineAndExitTwo() throws Exception {
        String url = start();
        Path out = tmp.resolve("t.csv");
        status = 400;
        body = "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:10: parse error: unexpected '}'\"}";
        assertFails(importTo(url, out), "Prometheus refused the query (bad_data: 1:10: parse error");
        status = 503;
        body = "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"too many queries\"}";
        assertFails(importTo(url, out), "Prometheus answered HTTP 503 (unavailable: too many queries)");
        status = 502;
        body = "<html>Bad Gateway</html>";
        assertFails(importTo(url, out), "not an answer of the Prometheus API (HTTP 502)");
        status = 200;
        body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"values\":[7]}]}}";
        assertFails(importTo(url, out), "not an answer of the Prometheus API (a malformed series");
        body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";
        assertFails(importTo(url, out), "the query gives a vector, not series over time");
        body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}";
        assertFails(importTo(url, out), "the query matched no series with samples");
        assertFails(importTo("ftp://127.0.0.1/", out), "--url: not a Prometheus base URL");
        assertFails(importTo("http://127.0.0.1:1", out), "cannot reach Prometheus at http://127.0.0.1:1");
        assertFalse(Files.exists(out), "nothing written when the import fails");
    }

    private static void assertFails(MainTest.Outcome o, String message) {
        assertEquals(2, o.status(), o.out() + o.err());
        assertTrue(o.err().contains(message), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }

    @Test
    void aLongRangeIsAskedInWindowsThatFollowEachOtherStepByStep() {
        BigDecimal step = BigDecimal.ONE;
        List<PrometheusRange.Window> w = PrometheusRange.windows(BigDecimal.ZERO, BigDecimal.valueOf(19_999), step);
        assertEquals(2, w.size(), "20,000 points, 10,000 a query: two windows");
        assertEquals(BigDecimal.ZERO, w.get(0).start());
        assertEquals(w.get(0).end().add(step), w.get(1).start(), "no point asked twice, none left out");
        assertEquals(BigDecimal.valueOf(19_999), w.get(1).end());
    }
}
