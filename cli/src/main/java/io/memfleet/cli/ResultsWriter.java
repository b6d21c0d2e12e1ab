package io.memfleet.cli;

import io.memfleet.controller.http.Json;
import io.memfleet.protocol.NodeIds;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.FileDump;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.report.HtmlReport;
import io.memfleet.report.ResultsDir;
import io.memfleet.report.ResultsDirException;
import io.memfleet.report.SeriesParquet;
import io.memfleet.workload.spec.ExperimentSpec;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes an experiment's results directory: {@code summary.json} (the fleet's aggregates over the
 * final node states: the same bytes however and wherever the experiment ran), {@code run.json}
 * (how this run went: ids, cluster, wall time), {@code series.csv} and {@code series.parquet} (the
 * fleet's time series per cgroup in simulated time), {@code experiment.yaml} (the file as
 * submitted), {@code report.html} (made from the others) and {@code nodes/NAME.txt}, one file per
 * node with every control file and /proc file of its final state, each under a {@code ==> PATH <==}
 * header. Everything but run.json is the same bytes for the same experiment.
 */
final class ResultsWriter {
    /** How the run went: what is true of this run only, kept apart from the results. */
    record RunInfo(String bootstrap, String topicPrefix, double wallSeconds, boolean embedded) { }

    private ResultsWriter() {
    }

    static void write(Path out, ExperimentSpec spec, Experiment done, ExperimentClient.Results results, RunInfo run)
            throws IOException {
        Map<Integer, NodeTelemetry> finals = results.finals();
        Files.createDirectories(out);
        Path nodes = out.resolve("nodes");
        if (Files.isDirectory(nodes)) {
            deleteTree(nodes); // a previous run's nodes must not mix with this run's
        }
        Files.createDirectories(nodes);
        for (Map.Entry<Integer, NodeTelemetry> e : finals.entrySet()) {
            try (BufferedWriter w = Files.newBufferedWriter(nodes.resolve(NodeIds.nodeName(spec.name(), e.getKey()) + ".txt"),
                    StandardCharsets.UTF_8)) {
                writeNode(w, e.getValue());
            }
        }
        JsonObject summary = new JsonObject().put("experiment", spec.name()).put("seed", spec.seed())
                .put("kernel", spec.kernel()).put("simulated_seconds", spec.durationNs() / 1e9)
                .mergeIn(Json.summary(done.getSummary()));
        Files.writeString(out.resolve("summary.json"), summary.encodePrettily() + "\n", StandardCharsets.UTF_8);
        SeriesCsv.write(out.resolve("series.csv"), results.series());
        SeriesCsv.writeSlabs(out.resolve("slabs.csv"), results.series());
        Files.writeString(out.resolve("experiment.yaml"), done.getSubmission().getYaml(), StandardCharsets.UTF_8);
        writeReport(out);
        JsonObject info = new JsonObject().put("experiment_id", done.getId()).put("state", "done")
                .put("kafka", new JsonObject().put("bootstrap", run.bootstrap()).put("topic_prefix", run.topicPrefix())
                        .put("embedded", run.embedded()))
                .put("submitted_at_ms", done.getSubmittedAtMs()).put("finished_at_ms", done.getUpdatedAtMs())
                .put("wall_seconds", Math.round(run.wallSeconds() * 10) / 10.0)
                .put("source", done.getSubmission().getSource()).put("version", new Version().getVersion()[0]);
        Files.writeString(out.resolve("run.json"), info.encodePrettily() + "\n", StandardCharsets.UTF_8);
    }

    /** series.parquet and report.html, both made from the directory's own files. */
    static void writeReport(Path out) throws IOException {
        ResultsDir dir;
        try {
            dir = ResultsDir.read(out);
        } catch (ResultsDirException e) {
            throw new IOException("the results just written do not read back: " + e.getMessage(), e);
        }
        SeriesParquet.write(dir.series(), out.resolve("series.parquet"));
        if (dir.slabs().rows() > 0 || Files.exists(out.resolve("slabs.csv"))) {
            SeriesParquet.write(dir.slabs(), out.resolve("slabs.parquet"));
        }
        Files.writeString(out.resolve("report.html"), HtmlReport.render(dir), StandardCharsets.UTF_8);
    }

    static void writeNode(BufferedWriter w, NodeTelemetry t) throws IOException {
        boolean first = true;
        for (FileDump f : t.getFilesList()) {
            if (!first) {
                w.write('\n');
            }
            first = false;
            w.write("==> " + f.getPath() + " <==\n");
            w.write(f.getContent());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
