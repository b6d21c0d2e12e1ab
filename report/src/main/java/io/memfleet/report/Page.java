package io.memfleet.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A self-contained HTML page: its styles, the chart library (uPlot, from its WebJar) and the
 * chart data are all inlined, so the file opens offline and is the same bytes for the same data.
 */
final class Page {
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + version() + "/dist/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A chart: one x axis in simulated seconds, one line per series (null where a series has no point). */
    record Chart(String id, String section, String title, String unit, double[] x, List<Line> lines) {
        /** This chart with a limit drawn as a line; unchanged for an unknown or unlimited one. */
        Chart withLimit(String label, long limit) {
            if (limit <= 0 || limit >= Answers.UNLIMITED) {
                return this;
            }
            List<Line> with = new java.util.ArrayList<>(lines);
            with.add(limit(label + " " + Units.bytes(limit), limit, x));
            return new Chart(id, section, title, unit, x, with);
        }

        /** Whether no line has a point other than 0 (such a chart is left out, and said to be). */
        boolean allZero() {
            for (Line l : lines) {
                if (!l.style().equals(LIMIT)) {
                    for (Number v : l.values()) {
                        if (v != null && v.doubleValue() != 0) {
                            return false;
                        }
                    }
                }
            }
            return true;
        }
    }

    /** How a line is drawn: plain, {@link #WIDE} (a pale band under the others), dashed, or a {@link #LIMIT}. */
    record Line(String label, Number[] values, String style) {
        Line(String label, Number[] values) {
            this(label, values, "");
        }
    }

    static final String WIDE = "wide";
    static final String DASH = "dash";
    static final String LIMIT = "limit";

    /** A constant line over {@code x}: a limit. */
    static Line limit(String label, long value, double[] x) {
        Number[] v = new Number[x.length];
        java.util.Arrays.fill(v, value);
        return new Line(label, v, LIMIT);
    }

    /** A table of text cells; the first column is left-aligned, the others right-aligned. */
    record Table(List<String> header, List<List<String>> rows) { }

    private final StringBuilder body = new StringBuilder(1 << 14);
    private final ArrayNode charts = JSON.createArrayNode();
    private final ArrayNode markers = JSON.createArrayNode();
    private final List<String> leftOut = new java.util.ArrayList<>();
    private final String title;

    Page(String title) {
        this.title = title;
    }

    Page heading(int level, String text) {
        body.append("<h").append(level).append('>').append(esc(text)).append("</h").append(level).append(">\n");
        return this;
    }

    Page paragraph(String text) {
        body.append("<p>").append(esc(text)).append("</p>\n");
        return this;
    }

    Page muted(String text) {
        body.append("<p class=\"muted\">").append(esc(text)).append("</p>\n");
        return this;
    }

    Page pre(String text) {
        body.append("<pre>").append(esc(text)).append("</pre>\n");
        return this;
    }

    /** The answers first: one linked sentence each, to the element (chart or table) that shows it. */
    Page answers(List<Answers.Line> lines) {
        body.append("<ul id=\"answers\">\n");
        for (Answers.Line l : lines) {
            body.append("<li><a href=\"#").append(esc(l.target())).append("\">").append(esc(l.text())).append("</a></li>\n");
        }
        body.append("</ul>\n");
        return this;
    }

    /** A place for charts, which the page's script fills. */
    Page chartSection(String id) {
        body.append("<div id=\"").append(esc(id)).append("\" class=\"charts\"></div>\n");
        return this;
    }

    Page table(String id, Table t) {
        body.append("<table id=\"").append(esc(id)).append("\"><thead><tr>");
        t.header().forEach(h -> body.append("<th>").append(esc(h)).append("</th>"));
        body.append("</tr></thead><tbody>\n");
        for (List<String> row : t.rows()) {
            body.append("<tr>");
            row.forEach(c -> body.append("<td>").append(esc(c)).append("</td>"));
            body.append("</tr>\n");
        }
        body.append("</tbody></table>\n");
        return this;
    }

    /** Adds a chart, or leaves it out when every value is 0 (see {@link #leftOutNote}). */
    Page chart(Chart c) {
        if (c.allZero()) {
            leftOut.add(c.title());
            return this;
        }
        ObjectNode n = charts.addObject().put("id", c.id()).put("section", c.section()).put("title", c.title())
                .put("unit", c.unit());
        ArrayNode x = n.putArray("x");
        for (double t : c.x()) {
            x.add(t);
        }
        ArrayNode series = n.putArray("series");
        for (Line l : c.lines()) {
            ObjectNode s = series.addObject().put("label", l.label());
            if (!l.style().isEmpty()) {
                s.put("style", l.style());
            }
            ArrayNode v = s.putArray("values");
            for (Number num : l.values()) {
                if (num == null) {
                    v.addNull();
                } else if (num instanceof Long lv) {
                    v.add(lv);
                } else {
                    v.add(num.doubleValue());
                }
            }
        }
        return this;
    }

    /** Says which charts were left out since the last note because every value was 0. */
    Page leftOutNote() {
        if (!leftOut.isEmpty()) {
            muted("Left out, every value 0: " + String.join("; ", leftOut) + ".");
            leftOut.clear();
        }
        return this;
    }

    /** A moment marked on every chart's time axis (a rollout's wave, say). */
    Page marker(double x, String label) {
        markers.addObject().put("x", x).put("label", label);
        return this;
    }

    int charts() {
        return charts.size();
    }

    String render() {
        StringBuilder sb = new StringBuilder(1 << 17);
        sb.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>").append(esc(title))
                .append("</title>\n<style>\n").append(resource(UPLOT + "uPlot.min.css")).append('\n')
                .append(resource("/io/memfleet/report/report.css")).append("</style>\n</head>\n<body>\n");
        sb.append(body);
        String data;
        try {
            data = JSON.writeValueAsString(JSON.createObjectNode().<ObjectNode>set("charts", charts).set("markers",
                    markers));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sb.append("<script type=\"application/json\" id=\"memfleet-data\">").append(data.replace("</", "<\\/"))
                .append("</script>\n<script>\n").append(resource(UPLOT + "uPlot.iife.min.js")).append("\n</script>\n<script>\n")
                .append(resource("/io/memfleet/report/charts.js")).append("</script>\n</body></html>\n");
        return sb.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A resource on the class path (the chart library, the page's own script and style). */
    static String resource(String path) {
        try (InputStream in = Page.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path + " (a broken build)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String version() {
        try (InputStream in = Page.class.getResourceAsStream("/io/memfleet/report/uplot.version")) {
            return in == null ? "1.6.30" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
