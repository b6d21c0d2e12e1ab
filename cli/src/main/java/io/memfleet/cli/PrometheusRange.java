package io.memfleet.cli;

import io.memfleet.kernel.api.InvalidCommandException;
import io.memfleet.kernel.api.Units;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus range query as the trace import runs it, without I/O: the times and step of the
 * command line, the windows it is split into (a server answers at most 11,000 points per series
 * and query), and the answers merged into one series per label set, ordered by their labels.
 * A user's mistake or a server's refusal is a {@link UserError} with status 2.
 */
final class PrometheusRange {
    /** Points a window asks for: below the server's 11,000 per series. */
    static final long POINTS_PER_WINDOW = 10_000;
    private static final Pattern PLAIN_SECONDS = Pattern.compile("[0-9]+(?:\\.[0-9]+)?");
    private static final Pattern RELATIVE = Pattern.compile("now(?:-(.+))?");

    /** One window of the range: Prometheus evaluates at start, start + step, ... up to end. */
    record Window(BigDecimal start, BigDecimal end) { }

    /** One series: its labels and samples (unix seconds and the value as the server wrote it). */
    record Series(Map<String, String> labels, List<String[]> samples) {
        /** The label set as PromQL prints it: {@code {namespace="web", pod="a"}}. */
        String text() {
            StringBuilder sb = new StringBuilder("{");
            labels.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append("=\"")
                    .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
            return sb.append('}').toString();
        }
    }

    /** What the answers held: the series by label set, and the samples that were not finite numbers. */
    static final class Result {
        final Map<String, Series> series = new TreeMap<>();
        long notFinite;
    }

    private PrometheusRange() {
    }

    /**
     * Seconds of a step or offset: a DURATION of the project's one parser ({@code 15s}, {@code 1m},
     * {@code 2h}, {@code 1d}, {@code 500ms}), or plain seconds as Prometheus also takes them ({@code 30}, {@code 0.5}).
     */
    static BigDecimal seconds(String text, String flag) {
        String t = text.trim();
        if (PLAIN_SECONDS.matcher(t).matches()) {
            return new BigDecimal(t);
        }
        try {
            BigDecimal v = BigDecimal.valueOf(Units.parseDuration(t)).movePointLeft(9).stripTrailingZeros();
            return v.scale() < 0 ? v.setScale(0) : v;
        } catch (InvalidCommandException e) {
            throw new UserError(flag + ": not a duration such as 15s, 1m, 2h or 1d: '" + text + "'", 2);
        }
    }

    /** A time of the command line in unix seconds: RFC 3339, unix seconds, {@code now} or {@code now-2h}. */
    static BigDecimal time(String text, String flag, Instant now) {
        Matcher rel = RELATIVE.matcher(text.trim());
        if (rel.matches()) {
            BigDecimal n = BigDecimal.valueOf(now.getEpochSecond());
            return rel.group(1) == null ? n : n.subtract(seconds(rel.group(1), flag));
        }
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            // not unix seconds; RFC 3339 below
        }
        try {
            return BigDecimal.valueOf(OffsetDateTime.parse(text.trim()).toInstant().toEpochMilli()).movePointLeft(3);
        } catch (DateTimeParseException e) {
            throw new UserError(flag + ": not a time such as 2026-12-01T10:00:00Z, 1764583200, now or now-2h: '"
                    + text + "'", 2);
        }
    }

    /** The windows of [start, end] every step, each at most {@link #POINTS_PER_WINDOW} points. */
    static List<Window> windows(BigDecimal start, BigDecimal end, BigDecimal step) {
        if (step.signum() <= 0) {
            throw new UserError("--step must be above 0", 2);
        }
        if (end.compareTo(start) < 0) {
            throw new UserError("--end is before --start", 2);
        }
        List<Window> out = new ArrayList<>();
        BigDecimal span = step.multiply(BigDecimal.valueOf(POINTS_PER_WINDOW - 1));
        for (BigDecimal s = start; s.compareTo(end) <= 0; s = s.add(span).add(step)) {
            out.add(new Window(s, s.add(span).min(end)));
        }
        return out;
    }

    /**
     * Adds one answer of the query_range API to {@code into}: a matrix of series, each with its
     * labels and [time, "value"] pairs. Anything else is the server's or the query's fault, said
     * in the server's own words where it gave them.
     */
    static void merge(int status, String body, Result into) {
        Object doc;
        try {
            doc = io.vertx.core.json.Json.decodeValue(body);
        } catch (DecodeException e) {
            doc = null;
        }
        if (!(doc instanceof JsonObject json)) {
            throw new UserError("not an answer of the Prometheus API (HTTP " + status + "): is --url the server's base "
                    + "URL, such as http://127.0.0.1:9090? " + snippet(body), 2);
        }
        if (!"success".equals(json.getValue("status"))) {
            String why = text(json.getValue("errorType"), "error") + ": " + text(json.getValue("error"), snippet(body));
            throw new UserError(status == 400 || status == 422 ? "Prometheus refused the query (" + why + ")"
                    : "Prometheus answered HTTP " + status + " (" + why + ")", 2);
        }
        mergeMatrix(json, into, body);
    }

    private static String text(Object v, String orElse) {
        return v == null ? orElse : String.valueOf(v);
    }

    /** A part of the answer that is not what the API documents, said with the answer's start. */
    private static UserError malformed(String what, String body) {
        return new UserError("not an answer of the Prometheus API (a malformed series: " + what + "): " + snippet(body), 2);
    }

    private static void mergeMatrix(JsonObject json, Result into, String body) {
        if (!(json.getValue("data", new JsonObject()) instanceof JsonObject data)) {
            throw malformed("data is no object", body);
        }
        if (!"matrix".equals(data.getValue("resultType"))) {
            throw new UserError("the query gives a " + data.getValue("resultType") + ", not series over time", 2);
        }
        if (!(data.getValue("result", new JsonArray()) instanceof JsonArray result)) {
            throw malformed("data.result is no list", body);
        }
        for (Object o : result) {
            if (!(o instanceof JsonObject r) || !(r.getValue("metric", new JsonObject()) instanceof JsonObject metric)
                    || !(r.getValue("values", new JsonArray()) instanceof JsonArray values)) {
                throw malformed("a result is not {metric: {...}, values: [...]}", body);
            }
            Map<String, String> labels = new TreeMap<>();
            metric.forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
            Series s = into.series.computeIfAbsent(new Series(labels, List.of()).text(),
                    k -> new Series(labels, new ArrayList<>()));
            for (Object p : values) {
                if (!(p instanceof JsonArray pair) || pair.size() < 2 || pair.getValue(0) == null) {
                    throw malformed("a value is not [time, \"value\"]", body);
                }
                String value = String.valueOf(pair.getValue(1));
                if (!finite(value)) {
                    into.notFinite++;
                    continue;
                }
                BigDecimal time;
                try {
                    time = new BigDecimal(String.valueOf(pair.getValue(0)));
                } catch (NumberFormatException e) {
                    throw malformed("a time is not a number: " + pair.getValue(0), body);
                }
                s.samples().add(new String[] {time.toPlainString(), value});
            }
        }
    }

    private static boolean finite(String v) {
        try {
            double d = Double.parseDouble(v);
            return !Double.isNaN(d) && !Double.isInfinite(d);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static String snippet(String body) {
        String s = body.strip().replaceAll("\\s+", " ");
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
