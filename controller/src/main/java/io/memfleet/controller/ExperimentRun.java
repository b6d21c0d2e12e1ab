package io.memfleet.controller;

import io.memfleet.agent.AgentConfig;
import io.memfleet.agent.kafka.FleetTopics;
import io.memfleet.agent.kafka.KafkaClients;
import io.memfleet.agent.kafka.NodeAgent;
import io.memfleet.agent.model.EventMapper;
import io.memfleet.broker.EmbeddedKafka;
import io.memfleet.common.Topics;
import io.memfleet.controller.experiment.Experiment;
import io.memfleet.controller.experiment.NodeWorkload;
import io.memfleet.controller.http.Json;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.proto.v1.FileDump;
import io.memfleet.proto.v1.Sample;
import io.memfleet.proto.v1.WorkloadBatch;
import io.memfleet.proto.v1.WorkloadEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Runs an experiment end to end: starts what is missing (embedded broker, controller, agents),
 * publishes every node's generated workload, asks each node for a final sample with its files,
 * waits for all of them, and writes the output directory.
 */
public final class ExperimentRun {
    /** How to run: where to write, which cluster (empty: embedded), how many agent loops, the HTTP port. */
    public record Options(Path out, String bootstrap, int agents, int httpPort, PrintStream log) { }

    private static final int STEPS_PER_RECORD = 10;

    private ExperimentRun() {
    }

    /** Runs and returns the controller (still serving) with its broker, for the caller to close. */
    public static Running run(Experiment e, Options o) throws Exception {
        long wall0 = System.nanoTime();
        EmbeddedKafka broker = null;
        ControllerRuntime controller = null;
        List<NodeAgent> agents = new ArrayList<>();
        List<Thread> loops = new ArrayList<>();
        try {
            String bootstrap = o.bootstrap();
            if (bootstrap.isEmpty()) {
                broker = EmbeddedKafka.start(Files.createTempDirectory("memfleet-run-kafka"));
                bootstrap = broker.bootstrapServers();
                o.log().println("[run] embedded Kafka broker at " + bootstrap);
            }
            Topics topics = new Topics("memfleet-" + e.name() + "-" + Long.toString(System.currentTimeMillis(), 36),
                    Topics.DEFAULT_PARTITIONS);
            FleetTopics.ensure(bootstrap, topics, Duration.ofSeconds(60));
            controller = new ControllerRuntime(bootstrap, topics, o.httpPort(), 1000, 64);
            o.log().println("[run] controller API and metrics at http://127.0.0.1:" + controller.httpPort() + "/");
            for (int i = 0; i < o.agents(); i++) {
                AgentConfig cfg = new AgentConfig(bootstrap, topics.prefix(), topics.partitions(),
                        topics.prefix() + "-agents", e.telemetryIntervalNs(), 5000, KernelConfig.parse(e.kernel()),
                        topics.prefix() + "-agent-" + i);
                NodeAgent a = new NodeAgent(cfg);
                agents.add(a);
                Thread t = new Thread(a, "memfleet-agent-" + i);
                loops.add(t);
                t.start();
            }
            long events = publish(e, bootstrap, topics, controller, o.log(), wall0);
            o.log().println("[run] all " + events + " events published; waiting for every node's final state");
            awaitFinalStates(e, o, controller, agents, events, wall0);
            double wall = (System.nanoTime() - wall0) / 1e9;
            write(e, o.out(), controller, bootstrap, topics, events, wall);
            o.log().printf("[run] done in %.1f s of wall time for %.1f s simulated on %d nodes; wrote %s%n", wall,
                    e.durationNs() / 1e9, e.nodes(), o.out());
            return new Running(controller, broker, agents, loops);
        } catch (Exception | Error ex) {
            new Running(controller, broker, agents, loops).close(); // nothing keeps running after a failure
            throw ex;
        }
    }

    private static void awaitFinalStates(Experiment e, Options o, ControllerRuntime controller, List<NodeAgent> agents,
                                         long events, long wall0) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        long lastReport = System.nanoTime();
        int done;
        while ((done = controller.query(f -> f.dumps().size())) < e.nodes()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for the final state of every node");
            }
            if (agents.stream().noneMatch(NodeAgent::isRunning)) {
                throw new IllegalStateException("every node-agent stopped before the run finished (see its log)");
            }
            if (System.nanoTime() - lastReport > 2_000_000_000L) {
                lastReport = System.nanoTime();
                long applied = agents.stream().mapToLong(a -> a.eventsApplied.get()).sum();
                o.log().printf("[run] %5.1f s: %d/%d events applied, final state of %d/%d nodes%n",
                        (System.nanoTime() - wall0) / 1e9, applied, events, done, e.nodes());
            }
            LockSupport.parkNanos(50_000_000L);
        }
    }

    /** A finished run: its controller (still serving its API), agents and embedded broker (if any). */
    public record Running(ControllerRuntime controller, EmbeddedKafka broker, List<NodeAgent> agents,
                          List<Thread> loops) implements AutoCloseable {
        @Override
        public void close() {
            agents.forEach(NodeAgent::close);
            for (Thread t : loops) {
                try {
                    t.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (controller != null) {
                controller.close();
            }
            if (broker != null) {
                broker.close();
            }
        }
    }

    private static long publish(Experiment e, String bootstrap, Topics topics, ControllerRuntime controller,
                                PrintStream log, long wall0) throws Exception {
        List<NodeWorkload> nodes = new ArrayList<>();
        long[] seq = new long[e.nodes()];
        long events = 0;
        long lastReport = System.nanoTime();
        try (KafkaProducer<String, byte[]> p = KafkaClients.producer(bootstrap, topics.prefix() + "-generator")) {
            for (int n = 0; n < e.nodes(); n++) {
                nodes.add(new NodeWorkload(e, n));
            }
            for (long from = 0; from < e.steps(); from += STEPS_PER_RECORD) {
                for (int n = 0; n < e.nodes(); n++) {
                    List<String> lines = new ArrayList<>();
                    if (from == 0) {
                        lines.addAll(nodes.get(n).setup(n));
                    }
                    for (long s = from; s < Math.min(e.steps(), from + STEPS_PER_RECORD); s++) {
                        lines.addAll(nodes.get(n).step(s));
                    }
                    WorkloadBatch.Builder b = WorkloadBatch.newBuilder().setNodeId(e.nodeId(n));
                    for (String l : lines) {
                        b.addEvents(EventMapper.fromScriptLine("", ++seq[n], l, from == 0 && b.getEventsCount() == 0));
                    }
                    events += b.getEventsCount();
                    p.send(new ProducerRecord<>(topics.workload(), e.nodeId(n), b.build().toByteArray()));
                }
                if (System.nanoTime() - lastReport > 2_000_000_000L) {
                    lastReport = System.nanoTime();
                    long telemetry = controller.query(f -> f.telemetryRecords());
                    log.printf("[run] %5.1f s: step %d/%d published, %d events, %d telemetry records%n",
                            (System.nanoTime() - wall0) / 1e9, Math.min(e.steps(), from + STEPS_PER_RECORD), e.steps(),
                            events, telemetry);
                }
            }
            for (int n = 0; n < e.nodes(); n++) {
                WorkloadEvent sample = WorkloadEvent.newBuilder().setSeq(++seq[n])
                        .setSample(Sample.newBuilder().setDumpFiles(true)).build();
                p.send(new ProducerRecord<>(topics.workload(), e.nodeId(n),
                        WorkloadBatch.newBuilder().setNodeId(e.nodeId(n)).addEvents(sample).build().toByteArray()));
            }
            p.flush();
        }
        return events;
    }

    private static void write(Experiment e, Path out, ControllerRuntime controller, String bootstrap, Topics topics,
                              long events, double wall) throws Exception {
        Files.createDirectories(out);
        Path nodesDir = out.resolve("nodes");
        if (Files.exists(out.resolve("summary.json")) && Files.isDirectory(nodesDir)) {
            deleteTree(nodesDir); // a previous run's output: its files must not mix with this run's
        }
        Map<String, List<FileDump>> dumps = controller.query(f -> Map.copyOf(f.dumps()));
        for (Map.Entry<String, List<FileDump>> d : dumps.entrySet()) {
            Path dir = out.resolve("nodes").resolve(d.getKey());
            for (FileDump f : d.getValue()) {
                String rel = f.getPath().startsWith("/proc/") ? f.getPath().substring(1) : "cgroup" + f.getPath();
                Path target = dir.resolve(rel);
                Files.createDirectories(target.getParent());
                Files.writeString(target, f.getContent(), StandardCharsets.UTF_8);
            }
        }
        JsonObject summary = controller.query(f -> new JsonObject()
                .put("experiment", e.name()).put("seed", e.seed()).put("kernel", e.kernel())
                .put("nodes", f.nodes().size()).put("events", events).put("telemetry_records", f.telemetryRecords())
                .put("simulated_seconds", e.durationNs() / 1e9).put("wall_seconds", Math.round(wall * 10) / 10.0)
                .put("kafka", new JsonObject().put("bootstrap", bootstrap).put("topics", new JsonArray(
                        topics.all().stream().map(Topics.Spec::name).toList())))
                .put("cgroups", Json.aggregates(f)));
        Files.writeString(out.resolve("summary.json"), summary.encodePrettily() + "\n", StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Reads an experiment file, for the command line. */
    public static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
