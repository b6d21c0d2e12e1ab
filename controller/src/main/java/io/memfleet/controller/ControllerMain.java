package io.memfleet.controller;

import io.memfleet.broker.EmbeddedKafka;
import io.memfleet.common.Topics;
import io.memfleet.controller.experiment.Experiment;
import io.memfleet.controller.experiment.ExperimentException;
import io.memfleet.controller.experiment.ExperimentParser;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** The controller's command-line entry points: {@code run}, {@code demo} and {@code controller}. */
public final class ControllerMain {
    private ControllerMain() {
    }

    public static final String RUN_HELP = """
            usage: memfleet run EXPERIMENT.yaml --out DIR [--kernel OPTIONS] [--bootstrap HOST:PORT] [--agents N]
                                [--http-port P]

            Runs an experiment end to end: starts what is missing (embedded Kafka broker, controller,
            node-agents), publishes the generated workload of every node, shows progress, and writes DIR:
            summary.json and, per node, its final control files and /proc/slabinfo and /proc/meminfo.
            Without --bootstrap (or MEMFLEET_BOOTSTRAP) an embedded broker is started. Exit status 2 for an
            invalid experiment file (the line and field are named). --kernel replaces the file's kernel
            options, for A/B runs of one file (e.g. "" against "kmem-intended" or "nokmem").
            """;

    public static final String DEMO_HELP = """
            usage: memfleet demo [--http-port P] [--out DIR]

            Runs the bundled demo experiment on an embedded broker and keeps the controller's HTTP API,
            dashboard and /metrics up until interrupted (Ctrl-C); prints the address to open.
            """;

    public static final String CONTROLLER_HELP = """
            usage: memfleet controller [--bootstrap HOST:PORT] [--topic-prefix P] [--http-port P]

            Serves the HTTP API, dashboard and /metrics for a fleet whose agents publish to the cluster.
            Without --bootstrap (or MEMFLEET_BOOTSTRAP) an embedded broker is started.
            """;

    private static String opt(String[] args, String name, String dflt) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }

    private static boolean help(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    private static String bootstrap(String[] args) {
        String env = System.getenv("MEMFLEET_BOOTSTRAP");
        return opt(args, "--bootstrap", env == null ? "" : env);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (help(args) || args.length == 0 || args[0].startsWith("--")) {
            (help(args) ? out : err).print(RUN_HELP);
            return help(args) ? 0 : 1;
        }
        Path file = Path.of(args[0]);
        String outDir = opt(args, "--out", null);
        if (outDir == null) {
            err.println("memfleet run: --out DIR is required");
            return 1;
        }
        Experiment e;
        try {
            e = ExperimentParser.parse(ExperimentRun.read(file), file.toString());
        } catch (NoSuchFileException ex) {
            err.println("memfleet run: " + file + ": no such file");
            return 1;
        } catch (ExperimentException ex) {
            err.println("memfleet run: " + ex.getMessage());
            return 2;
        }
        String kernel = opt(args, "--kernel", null);
        if (kernel != null) {
            try {
                io.memfleet.kernel.api.KernelConfig.parse(kernel);
            } catch (IllegalArgumentException ex) {
                err.println("memfleet run: --kernel: " + ex.getMessage());
                return 2;
            }
            e = new Experiment(e.name(), e.seed(), e.nodes(), e.cpus(), e.memBytes(), e.swapBytes(), kernel, e.durationNs(),
                    e.stepNs(), e.telemetryIntervalNs(), e.cgroups(), e.workloads());
        }
        ExperimentRun.Options o = new ExperimentRun.Options(Path.of(outDir), bootstrap(args),
                Integer.parseInt(opt(args, "--agents", "1")), Integer.parseInt(opt(args, "--http-port", "0")), out);
        ExperimentRun.run(e, o).close();
        return 0;
    }

    public static int demo(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (help(args)) {
            out.print(DEMO_HELP);
            return 0;
        }
        String text;
        try (InputStream in = ControllerMain.class.getResourceAsStream("/demo.yaml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Experiment e = ExperimentParser.parse(text, "demo.yaml");
        Path outDir = Path.of(opt(args, "--out", Files.createTempDirectory("memfleet-demo").toString()));
        int port = Integer.parseInt(opt(args, "--http-port", "8080"));
        if (opt(args, "--http-port", null) == null && !free(port)) {
            port = 0; // 8080 is taken: any free port (the address is printed)
        }
        ExperimentRun.Options o = new ExperimentRun.Options(outDir, bootstrap(args), 1, port, out);
        ExperimentRun.Running r = ExperimentRun.run(e, o);
        out.println();
        out.println("memfleet demo: open http://127.0.0.1:" + r.controller().httpPort() + "/  (API: /api/fleet, metrics: /metrics)");
        out.println("memfleet demo: serving until interrupted (Ctrl-C)");
        awaitInterrupt(r);
        return 0;
    }

    public static int controller(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (help(args)) {
            out.print(CONTROLLER_HELP);
            return 0;
        }
        String bootstrap = bootstrap(args);
        EmbeddedKafka broker = null;
        if (bootstrap.isEmpty()) {
            broker = EmbeddedKafka.start(Files.createTempDirectory("memfleet-kafka"));
            bootstrap = broker.bootstrapServers();
            out.println("memfleet controller: embedded Kafka broker at " + bootstrap);
        }
        Topics topics = new Topics(opt(args, "--topic-prefix", Topics.DEFAULT_PREFIX), Topics.DEFAULT_PARTITIONS);
        io.memfleet.agent.kafka.FleetTopics.ensure(bootstrap, topics, java.time.Duration.ofSeconds(60));
        ControllerRuntime c = new ControllerRuntime(bootstrap, topics, Integer.parseInt(opt(args, "--http-port", "8080")),
                1000, 64);
        out.println("memfleet controller: http://127.0.0.1:" + c.httpPort() + "/ (topics " + topics.prefix() + ".*)");
        awaitInterrupt(new ExperimentRun.Running(c, broker, java.util.List.of(), java.util.List.of()));
        return 0;
    }

    private static boolean free(int port) {
        try {
            new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress()).close();
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void awaitInterrupt(AutoCloseable resources) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                resources.close();
            } catch (Exception ex) {
                System.err.println("memfleet: shutdown: " + ex);
            }
            done.countDown();
        }));
        done.await();
    }

}
