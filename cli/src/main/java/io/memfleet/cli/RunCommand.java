package io.memfleet.cli;

import io.memfleet.protocol.ExperimentStates;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.ExperimentState;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.Submission;
import io.memfleet.workload.spec.ExperimentException;
import io.memfleet.workload.spec.ExperimentParser;
import io.memfleet.workload.spec.ExperimentSpec;
import io.memfleet.workload.spec.ExperimentTraces;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code memfleet run FILE --out DIR}: submits an experiment to a fleet, follows it, and writes its results. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs an experiment: submits FILE to a fleet, shows its progress (percent of simulated time, "
                + "events/s, ETA), and writes DIR from what the fleet reports: summary.json (the same bytes however "
                + "the fleet is deployed), series.csv and series.parquet, report.html, experiment.yaml, run.json, and "
                + "one file per node with its final control files and /proc files.",
            "Without --bootstrap a whole fleet (embedded broker, controller, agents) runs in this process; with it, "
                + "the experiment goes to the standing fleet on that cluster (memfleet cluster up, docker compose, "
                + "Kubernetes). An invalid FILE is refused before anything starts (exit status 2, naming the line "
                + "and field). DIR must be new or empty (--force replaces an earlier run's results, and only those); "
                + "the results appear there as a whole when the run ends. Ctrl-C cancels the experiment and "
                + "leaves DIR as it was."})
final class RunCommand implements Callable<Integer> {
    private final Console io;

    RunCommand(Console io) {
        this.io = io;
    }

    @Parameters(paramLabel = "FILE", description = "the experiment file (YAML)")
    Path file;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "where to write the results")
    Path out;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--kernel", paramLabel = "OPTIONS", converter = Converters.KernelText.class,
            description = "replaces the file's kernel options (A/B runs of one file), e.g. nokmem or kmem-intended")
    String kernel;

    @Option(names = "--speed", paramLabel = "N", description = "pace: N times real time (default: the file's, "
            + "or as fast as the fleet consumes)")
    Double speed;

    @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "replaces (or adds) one value of the file, "
            + "e.g. --set workloads[0].params.path=/data/traces or --set nodes=2000; repeatable")
    List<String> sets = new ArrayList<>();

    @Option(names = "--agents", converter = Converters.CountOrZero.class, paramLabel = "N", description = "agent loops to run in this process (default: 1 "
            + "for an embedded fleet, 0 with --bootstrap)")
    Integer agents;

    @Option(names = "--http-port", converter = Converters.Port.class, paramLabel = "PORT", defaultValue = "0",
            description = "port of the embedded controller's API and dashboard (default: a free one)")
    int httpPort;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60m", converter = Converters.Duration.class,
            description = "give up after this long (default: ${DEFAULT-VALUE})")
    long timeoutNs;

    @Option(names = "--remote-write", paramLabel = "URL", description = "the embedded controller also pushes the "
            + "experiment's fleet series, in simulated time, to this Prometheus remote-write endpoint (with --bootstrap: "
            + "give it to that fleet's 'memfleet controller')")
    String remoteWrite;

    @Option(names = {"-q", "--quiet"}, description = "print only errors and the final line")
    boolean quiet;

    @Option(names = "--force", description = "replace the results of an earlier run in DIR (only memfleet's own "
            + "results: a directory holding anything else is never touched)")
    boolean force;

    /** What the experiment's traces needed on the way in (the same for every variant: they share the traces). */
    private List<ExperimentTraces.WorkloadRepair> repairs = List.of();

    @Override
    public Integer call() throws IOException {
        Submission submission = submission(file, kernel, speed).toBuilder().addAllSets(sets).build();
        ExperimentSpec spec = validate(submission);
        int loops = agents != null ? agents : kafka.embedded() ? 1 : 0;
        java.net.URI pushTo = remoteWrite == null ? null : RemoteWriteUrl.parse(remoteWrite);
        if (pushTo != null && !kafka.embedded()) {
            throw new UserError("--remote-write: the fleet at --bootstrap has its own controller; start it with "
                    + "'memfleet controller --remote-write URL'", 2);
        }
        if (loops < 0 || loops > 64) {
            throw new UserError("--agents must be 0 to 64, got " + loops, 2);
        }
        PrintStream log = quiet ? new PrintStream(PrintStream.nullOutputStream()) : io.out();
        // the traces were read when the file was parsed; a variant replays the same ones
        repairs = ExperimentTraces.repairs(spec);
        printRepairs(repairs, quiet ? io.err() : io.out());
        long t0 = System.nanoTime();
        List<Submission> runs = new ArrayList<>(List.of(submission));
        spec.variants().forEach(v -> runs.add(submission.toBuilder().setVariant(v.name()).build()));
        Shutdown.process().cooperate();
        try (ResultsTarget target = ResultsTarget.claim(out, "--out", force)) {
            Path staged = target.staging();
            List<String> ids = new ArrayList<>();
            try (LocalFleet fleet = LocalFleet.start(kafka, "run", httpPort, loops, pushTo, log);
                 ExperimentClient client = new ExperimentClient(fleet.address(), fleet.topics(), "memfleet-run")) {
                try {
                    runAll(runs, staged, fleet, client, ids, t0, log);
                } catch (Shutdown.Interrupted e) {
                    fleet.abortOnClose();
                    throw new UserError("interrupted: " + cancelAll(client, ids, fleet.embedded())
                            + "; nothing written to " + out, 130);
                }
            } catch (Shutdown.Interrupted e) { // while the fleet or the client started
                throw new UserError("interrupted: no experiment was submitted; nothing written to " + out, 130);
            }
            target.commit();
        }
        io.out().println("[run] wrote " + out + "; open " + out.resolve(runs.size() == 1 ? "report.html" : "compare.html"));
        return 0;
    }

    /** Submits every run of the file, follows each to its end and writes its results under {@code staged}. */
    private void runAll(List<Submission> runs, Path staged, LocalFleet fleet, ExperimentClient client, List<String> ids,
                        long t0, PrintStream log) throws IOException {
        Shutdown.process().check();
        List<ExperimentSpec> specs = new ArrayList<>();
        for (Submission s : runs) {
            specs.add(validate(s));
            ids.add(submit(client, s, specs.get(specs.size() - 1), log));
        }
        List<Path> dirs = new ArrayList<>();
        JsonArray variants = new JsonArray();
        for (int i = 0; i < runs.size(); i++) {
            ExperimentSpec ran = specs.get(i);
            Experiment done = followToEnd(client, fleet, ids.get(i), Duration.ofNanos(timeoutNs), log);
            ExperimentClient.Results results = client.results(done.getId(), done.getNodes(),
                    done.getSummary().getSeriesChunks(), Duration.ofMinutes(5));
            double wall = (System.nanoTime() - t0) / 1e9;
            String name = runs.size() == 1 ? "" : i == 0 ? "base" : runs.get(i).getVariant();
            Path dir = name.isEmpty() ? staged : staged.resolve(name);
            ResultsWriter.write(dir, ran, done, results, new ResultsWriter.RunInfo(fleet.address(), kafka.topicPrefix,
                    wall, fleet.embedded(), repairs));
            dirs.add(dir);
            variants.add(new JsonObject().put("name", name).put("experiment_id", done.getId()));
            io.out().printf("[run] %s done in %.1f s of wall time for %.1f s simulated on %d nodes%n",
                    done.getId(), wall, ran.durationNs() / 1e9, ran.nodes());
        }
        if (dirs.size() > 1) {
            CompareCommand.writeComparison(CompareCommand.read(dirs), staged, false);
            ResultsWriter.writeMatrixInfo(staged, variants);
            io.out().println("[run] " + (dirs.size() - 1) + " variants against the base; compared in "
                    + out.resolve("compare.html"));
        }
    }

    /** Lines of trace repairs printed at the start; the rest are in run.json and the report. */
    static final int REPAIR_LINES = 10;

    /** What the experiment's traces needed on the way in, once, before it starts. */
    static void printRepairs(List<ExperimentTraces.WorkloadRepair> repairs, PrintStream to) {
        List<String> lines = ExperimentTraces.lines(repairs);
        for (int i = 0; i < lines.size() && i < REPAIR_LINES; i++) {
            to.println("[run] trace repaired: " + lines.get(i));
        }
        if (lines.size() > REPAIR_LINES) {
            to.println("[run] trace repaired: ... and " + (lines.size() - REPAIR_LINES) + " more files (all of them "
                    + "in run.json and report.html)");
        }
    }

    /**
     * After Ctrl-C: cancels the experiments still running, those of submissions answered only now
     * included, and says what became of each, by id: cancelled, ended before, or possibly still
     * running on a standing fleet.
     */
    static String cancelAll(ExperimentClient client, List<String> ids, boolean embedded) {
        ExperimentClient.LateAnswers late = client.lateAnswers(Duration.ofSeconds(3));
        List<String> all = new ArrayList<>(ids);
        all.addAll(late.experimentIds());
        List<String> cancelled = new ArrayList<>();
        List<String> unconfirmed = new ArrayList<>();
        List<String> ended = new ArrayList<>();
        for (String id : all) {
            switch (client.cancelAndConfirm(id, Duration.ofSeconds(3))) {
                case CANCELLED -> cancelled.add(id);
                case UNCONFIRMED -> unconfirmed.add(id);
                default -> ended.add(id);
            }
        }
        List<String> said = new ArrayList<>();
        if (!cancelled.isEmpty()) {
            said.add("experiment " + String.join(", ", cancelled) + " cancelled"
                    + (embedded ? " (the embedded fleet stopped)" : " on the fleet"));
        }
        if (!unconfirmed.isEmpty()) {
            said.add("experiment " + String.join(", ", unconfirmed) + (embedded
                    ? " stopped with the embedded fleet (no controller confirmed the cancellation)"
                    : " asked to cancel, but no controller confirmed it: it may still run on the fleet"));
        }
        if (!ended.isEmpty()) {
            said.add("experiment " + String.join(", ", ended) + " had ended");
        }
        if (late.unanswered() > 0 && !embedded) {
            said.add("a submission no controller has answered yet: if one does, its experiment runs on the fleet "
                    + "(see GET /api/experiments)");
        }
        return said.isEmpty() ? "no experiment was submitted" : String.join("; ", said);
    }

    /** Submits the experiment; returns its id once the controller accepted it. */
    static String submit(ExperimentClient client, Submission submission, ExperimentSpec spec, PrintStream log) {
        String request = client.submit(submission);
        Experiment answer = client.answer(request, Duration.ofSeconds(60));
        if (answer.getState() == ExperimentState.FAILED) {
            throw new UserError(answer.getReason(), 2);
        }
        log.println("[run] experiment " + answer.getId() + " accepted: " + spec.nodes() + " nodes, "
                + spec.durationNs() / 1e9 + " s simulated");
        return answer.getId();
    }

    /** Follows an accepted experiment until it ends; a failed or cancelled one is an error. */
    static Experiment followToEnd(ExperimentClient client, LocalFleet fleet, String id, Duration timeout, PrintStream log) {
        ProgressLine progress = new ProgressLine();
        long[] lastPrint = {0};
        Experiment end = client.follow(id, e -> {
            long now = System.nanoTime();
            if (now - lastPrint[0] >= 2_000_000_000L && !ExperimentStates.isFinal(e.getState())) {
                lastPrint[0] = now;
                log.println("[run] " + progress.line(e, now));
            }
            if (!fleet.agentsHealthy()) {
                throw new UserError("every agent loop of this process stopped (see the messages above)");
            }
        }, timeout);
        if (end.getState() != ExperimentState.DONE) {
            throw new UserError("experiment " + id + " " + end.getState().name().toLowerCase(java.util.Locale.ROOT)
                    + (end.getReason().isEmpty() ? "" : ": " + end.getReason()));
        }
        return end;
    }

    /** The submission of a file as it is on disk, with the command line's overrides. */
    static Submission submission(Path file, String kernel, Double speed) {
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (IOException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
        Submission.Builder s = Submission.newBuilder().setSource(file.toString()).setYaml(yaml);
        if (kernel != null) {
            s.setKernelOverride(kernel).setHasKernelOverride(true);
        }
        if (speed != null) {
            if (!(speed > 0)) {
                throw new UserError("--speed must be above 0, got " + speed, 2);
            }
            s.setSpeedOverride(speed);
        }
        return s.build();
    }

    /** Checks the submission with the parser the controller uses; an invalid file exits 2 before anything starts. */
    static ExperimentSpec validate(Submission s) {
        try {
            return ExperimentParser.parse(s);
        } catch (ExperimentException e) {
            throw new UserError(e.getMessage(), 2);
        }
    }
}
