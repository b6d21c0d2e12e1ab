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
import io.memfleet.workload.spec.ExperimentTraces;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

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
    record RunInfo(String bootstrap, String topicPrefix, double wallSeconds, boolean embedded,
                   List<ExperimentTraces.WorkloadRepair> repairs) { }

    private ResultsWriter() {
    }

    static void write(Path out, ExperimentSpec spec, Experiment done, ExperimentClient.Results results, RunInfo run)
            throws IOException {
        Map<Integer, NodeTelemetry> finals = results.finals();
        Path nodes = out.resolve("nodes"); // out is a fresh staging directory: nothing of another run is in it
        Files.createDirectories(nodes);
        for (Map.Entry<Integer, NodeTelemetry> e : finals.entrySet()) {
            try (BufferedWriter w = Files.newBufferedWriter(nodes.resolve(NodeIds.nodeName(spec.name(), e.getKey()) + ".txt"),
                    StandardCharsets.UTF_8)) {
                writeNode(w, e.getValue());
            }
        }
        JsonObject summary = new JsonObject().put("experiment", spec.name()).put("seed", spec.seed())
                .put("kernel", spec.kernel()).put("simulated_seconds", spec.durationNs() / 1e9)
                .put("declared_cgroups", new JsonArray(spec.cgroups().stream().map(c -> c.getPath()).toList()))
                .mergeIn(Json.summary(done.getSummary()));
        Files.writeString(out.resolve("summary.json"), summary.encodePrettily() + "\n", StandardCharsets.UTF_8);
        SeriesCsv.write(out.resolve("series.csv"), results.series());
        SeriesCsv.writeSlabs(out.resolve("slabs.csv"), results.series());
        Files.writeString(out.resolve("experiment.yaml"), done.getSubmission().getYaml(), StandardCharsets.UTF_8);
        JsonObject info = new JsonObject().put("experiment_id", done.getId()).put("state", "done")
                .put("kafka", new JsonObject().put("bootstrap", run.bootstrap()).put("topic_prefix", run.topicPrefix())
                        .put("embedded", run.embedded()))
                .put("submitted_at_ms", done.getSubmittedAtMs()).put("finished_at_ms", done.getUpdatedAtMs())
                .put("wall_seconds", Math.round(run.wallSeconds() * 10) / 10.0)
                .put("source", done.getSubmission().getSource()).put("version", new Version().getVersion()[0])
                .put("trace_repairs", traceRepairs(run.repairs()));
        Files.writeString(out.resolve("run.json"), info.encodePrettily() + "\n", StandardCharsets.UTF_8);
        writeReport(out, false); // after run.json: the report's header shows the trace repairs kept there
    }

    /** What the experiment's traces needed on the way in: one object per workload, file and kind of repair. */
    static JsonArray traceRepairs(List<ExperimentTraces.WorkloadRepair> repairs) {
        JsonArray a = new JsonArray();
        for (ExperimentTraces.WorkloadRepair r : repairs) {
            a.add(new JsonObject().put("workload", r.workload()).put("file", r.repair().file())
                    .put("kind", r.repair().problem().name().toLowerCase(java.util.Locale.ROOT))
                    .put("count", r.repair().count()).put("first_line", r.repair().firstLine())
                    .put("on_bad_rows", r.repair().policy().name().toLowerCase(java.util.Locale.ROOT))
                    .put("text", r.repair().text()));
        }
        return a;
    }

    /** series.parquet and report.html, both made from the directory's own files; each replaced whole. */
    static void writeReport(Path out, boolean exactCgroups) throws IOException {
        ResultsDir dir;
        try {
            dir = ResultsDir.read(out);
        } catch (ResultsDirException e) {
            throw new IOException("the results just written do not read back: " + e.getMessage(), e);
        }
        replace(out.resolve("series.parquet"), f -> SeriesParquet.write(dir.series(), f));
        if (dir.slabs().rows() > 0 || Files.exists(out.resolve("slabs.csv"))) {
            replace(out.resolve("slabs.parquet"), f -> SeriesParquet.write(dir.slabs(), f));
        }
        String html = HtmlReport.render(dir, exactCgroups);
        replace(out.resolve("report.html"), f -> Files.writeString(f, html, StandardCharsets.UTF_8));
    }

    /** Writes a file beside {@code file}, then moves it over {@code file}: a reader sees the old one or the new one. */
    static void replace(Path file, FileWriter writer) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".memfleet-tmp-" + ProcessHandle.current().pid());
        try {
            writer.write(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes one file. */
    interface FileWriter {
        void write(Path file) throws IOException;
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

    /** The top-level run.json of an A/B matrix: which experiment each variant's directory holds. */
    static void writeMatrixInfo(Path out, JsonArray variants) throws IOException {
        JsonObject info = new JsonObject().put("variants", variants).put("version", new Version().getVersion()[0]);
        Files.writeString(out.resolve("run.json"), info.encodePrettily() + "\n", StandardCharsets.UTF_8);
    }
}
