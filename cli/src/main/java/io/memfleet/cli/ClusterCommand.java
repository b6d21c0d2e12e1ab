package io.memfleet.cli;

import io.memfleet.broker.EmbeddedKafka;
import io.memfleet.common.Topics;
import io.memfleet.common.kafka.FleetTopics;
import io.memfleet.common.kafka.KafkaClients;
import io.memfleet.controller.ControllerConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code memfleet cluster up|status|down}: a local multi-process fleet without Docker. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "A local fleet of separate processes: Kafka broker(s), a controller and agent JVMs, "
                + "started as child processes that keep running after this command returns.",
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Status.class, ClusterCommand.Down.class,
            ClusterCommand.Restart.class})
final class ClusterCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "up, status or down?");
    }

    static final String DEFAULT_DIR = ".memfleet/cluster";

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Starts the broker(s), the controller and N agents as separate JVMs (logs and state under "
                    + "--dir), waits until each is healthy, and prints the bootstrap address and the controller's URL.",
                "--brokers 3 is a real three-node KRaft cluster whose topics have replication factor 3 and "
                    + "min.insync.replicas 2."})
    static final class Up implements Callable<Integer> {
        private final Console io;

        Up(Console io) {
            this.io = io;
        }

        @Option(names = "--agents", converter = Converters.CountOrZero.class, paramLabel = "N", defaultValue = "2", description = "agent JVMs (default: ${DEFAULT-VALUE})")
        int agents;

        @Option(names = "--brokers", converter = Converters.Count.class, paramLabel = "1|3", defaultValue = "1", description = "Kafka brokers (default: ${DEFAULT-VALUE})")
        int brokers;

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR,
                description = "logs, data and the state file (default: ${DEFAULT-VALUE})")
        Path dir;

        @Option(names = "--http-port", converter = Converters.Port.class, paramLabel = "PORT", defaultValue = "0",
                description = "the controller's HTTP port (default: a free one)")
        int httpPort;

        @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = Topics.DEFAULT_PREFIX,
                description = "prefix of the fleet's topics (default: ${DEFAULT-VALUE})")
        String prefix;

        @Option(names = "--partitions", converter = Converters.Count.class, paramLabel = "N", defaultValue = "12", description = "partitions (default: ${DEFAULT-VALUE})")
        int partitions;

        @Option(names = "--agent-heap", paramLabel = "SIZE", defaultValue = "1g", description = "-Xmx of each agent JVM")
        String agentHeap;

        @Option(names = "--generators", converter = Converters.CountOrZero.class, paramLabel = "N", defaultValue = "0",
                description = "extra 'memfleet generate' JVMs besides the controller's generator (default: ${DEFAULT-VALUE})")
        int generators;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "180s", converter = Converters.Duration.class,
                description = "how long each process may take to become healthy (default: ${DEFAULT-VALUE})")
        long timeoutNs;

        @Option(names = "--remote-write", paramLabel = "URL", description = "the controller's --remote-write: it pushes "
                + "every experiment's fleet series, in simulated time, to this Prometheus remote-write endpoint")
        String remoteWrite;

        /** Every process this command started, also one not yet healthy (and so not yet in the state). */
        private final List<Long> started = new ArrayList<>();

        private long started(long pid) {
            started.add(pid);
            return pid;
        }

        /** Stops what this command started: the others at once, then the brokers (whom they were talking to). */
        private void stopStarted(ClusterState s, Duration grace) {
            List<Long> brokerPids = s.processes().stream().filter(p -> p.role().equals("broker"))
                    .map(ClusterState.Proc::pid).toList();
            ChildProcesses.stopAll(started.stream().filter(p -> !brokerPids.contains(p)).toList(), grace);
            ChildProcesses.stopAll(brokerPids, grace);
        }

        @Override
        public Integer call() throws IOException {
            Shutdown.process().cooperate();
            if (brokers != 1 && brokers != 3) {
                throw new UserError("--brokers must be 1 or 3, got " + brokers, 2);
            }
            if (remoteWrite != null) {
                RemoteWriteUrl.parse(remoteWrite); // refused before anything starts
            }
            if (agents < 0 || agents > 64 || generators < 0 || generators > 16) {
                throw new UserError("--agents must be 0 to 64 and --generators 0 to 16", 2);
            }
            Topics topics;
            try {
                topics = new Topics(prefix, partitions);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), 2);
            }
            ClusterState old = ClusterState.load(dir);
            if (old != null && old.processes().stream().anyMatch(p -> ChildProcesses.alive(p.pid()))) {
                throw new UserError("a cluster is already up in " + dir + " ('memfleet cluster down --dir " + dir
                        + "' stops it)");
            }
            Duration timeout = Duration.ofNanos(timeoutNs);
            ClusterState state = new ClusterState("", "", prefix, List.of());
            try {
                state = startBrokers(state, timeout);
                state.save(dir);
                FleetTopics.ensure(state.bootstrap(), topics, Duration.ofSeconds(120));
                state = startController(state, timeout);
                state.save(dir);
                for (int i = 0; i < agents; i++) {
                    state = startAgent(state, i, timeout);
                    state.save(dir);
                }
                for (int i = 0; i < generators; i++) {
                    state = startGenerator(state, i);
                    state.save(dir);
                }
            } catch (Shutdown.Interrupted e) {
                stopStarted(state, Duration.ofSeconds(4));
                Files.deleteIfExists(ClusterState.file(dir));
                throw new UserError("interrupted: stopped the " + started.size()
                        + " process(es) it had started (logs kept in " + dir.resolve("logs") + ")", 130);
            } catch (UserError | IOException e) {
                state.save(dir);
                io.err().println("memfleet cluster up: " + e.getMessage() + "; stopping what was started");
                stopStarted(state, Duration.ofSeconds(15));
                throw e instanceof UserError u ? u : new UserError(e.getMessage());
            }
            io.out().println("memfleet cluster: up (" + brokers + " broker(s), " + agents + " agent(s)); state in "
                    + ClusterState.file(dir));
            io.out().println("bootstrap=" + state.bootstrap());
            io.out().println("controller=" + state.controllerUrl());
            io.out().println("token=" + state.token());
            return 0;
        }

        private List<String> kafkaArgs(ClusterState s) {
            return List.of("--bootstrap", s.bootstrap(), "--topic-prefix", prefix, "--partitions",
                    Integer.toString(partitions));
        }

        private ClusterState startBrokers(ClusterState s, Duration timeout) throws IOException {
            int[] ports = new int[brokers];
            int[] controllerPorts = new int[brokers];
            StringBuilder voters = new StringBuilder();
            for (int i = 0; i < brokers; i++) {
                ports[i] = ChildProcesses.freePort();
                controllerPorts[i] = ChildProcesses.freePort();
                voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts[i]);
            }
            String clusterId = EmbeddedKafka.newClusterId();
            List<String> bootstrap = new ArrayList<>();
            for (int i = 0; i < brokers; i++) {
                String name = "broker-" + (i + 1);
                Path log = dir.resolve("logs").resolve(name + ".log");
                List<String> args = new ArrayList<>(List.of("broker", "--data", dir.resolve(name).toString(), "--port",
                        Integer.toString(ports[i]), "--controller-port", Integer.toString(controllerPorts[i])));
                if (brokers > 1) {
                    args.addAll(List.of("--node-id", Integer.toString(i + 1), "--voters", voters.toString(),
                            "--cluster-id", clusterId));
                }
                long pid = started(ChildProcesses.start("768m", log, args));
                s = s.with(new ClusterState.Proc(name, "broker", pid, ports[i], log.toString(), "768m", args));
                bootstrap.add("127.0.0.1:" + ports[i]);
            }
            s = s.withBootstrap(String.join(",", bootstrap));
            for (ClusterState.Proc p : s.processes()) {
                ChildProcesses.await(p.name(), p.pid(), Path.of(p.log()), timeout, () -> ChildProcesses.listening(p.port()));
            }
            awaitBrokers(s, timeout);
            return s;
        }

        private void awaitBrokers(ClusterState s, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try (Admin admin = KafkaClients.admin(s.bootstrap(), "memfleet-cluster-up")) {
                while (true) {
                    try {
                        int n = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000)).nodes()
                                .get(10, TimeUnit.SECONDS).size();
                        if (n >= brokers) {
                            return;
                        }
                    } catch (Exception e) {
                        // not ready yet
                    }
                    Shutdown.process().check();
                    if (System.nanoTime() > deadline) {
                        throw new UserError("the brokers did not form a cluster within " + timeout.toSeconds() + " s; see "
                                + dir.resolve("logs"));
                    }
                }
            }
        }

        private ClusterState startController(ClusterState s, Duration timeout) throws IOException {
            int port = httpPort != 0 ? httpPort : ChildProcesses.freePort();
            Path log = dir.resolve("logs").resolve("controller.log");
            List<String> args = new ArrayList<>(List.of("controller", "--http-port", Integer.toString(port), "--token",
                    ControllerConfig.newToken()));
            args.addAll(kafkaArgs(s));
            if (remoteWrite != null) {
                args.addAll(List.of("--remote-write", remoteWrite));
            }
            long pid = started(ChildProcesses.start("768m", log, args));
            String url = "http://127.0.0.1:" + port + "/";
            s = s.with(new ClusterState.Proc("controller", "controller", pid, port, log.toString(), "768m", args))
                    .withController(url);
            ChildProcesses.await("the controller", pid, log, timeout, () -> ChildProcesses.healthy(url + "healthz"));
            return s;
        }

        private ClusterState startAgent(ClusterState s, int i, Duration timeout) throws IOException {
            int port = ChildProcesses.freePort();
            String name = "agent-" + (i + 1);
            Path log = dir.resolve("logs").resolve(name + ".log");
            List<String> args = new ArrayList<>(List.of("agent", "--http-port", Integer.toString(port), "--client-id",
                    prefix + "-" + name));
            args.addAll(kafkaArgs(s));
            long pid = started(ChildProcesses.start(agentHeap, log, args));
            s = s.with(new ClusterState.Proc(name, "agent", pid, port, log.toString(), agentHeap, args));
            ChildProcesses.await(name, pid, log, timeout,
                    () -> ChildProcesses.healthy("http://127.0.0.1:" + port + "/healthz"));
            return s;
        }

        private ClusterState startGenerator(ClusterState s, int i) throws IOException {
            String name = "generator-" + (i + 1);
            Path log = dir.resolve("logs").resolve(name + ".log");
            List<String> args = new ArrayList<>(List.of("generate", "--client-id", prefix + "-" + name));
            args.addAll(kafkaArgs(s));
            long pid = started(ChildProcesses.start("512m", log, args));
            return s.with(new ClusterState.Proc(name, "generator", pid, 0, log.toString(), "512m", args));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Lists the cluster's processes with their pid and state (running, unhealthy, exited).")
    static final class Status implements Callable<Integer> {
        private final Console io;

        Status(Console io) {
            this.io = io;
        }

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR, description = "the cluster's directory")
        Path dir;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public Integer call() {
            ClusterState s = ClusterState.load(dir);
            if (s == null) {
                throw new UserError("no cluster in " + dir + " ('memfleet cluster up' starts one)");
            }
            JsonArray rows = new JsonArray();
            boolean allUp = true;
            for (ClusterState.Proc p : s.processes()) {
                String state = state(p);
                allUp &= state.equals("running");
                rows.add(p.json().put("state", state));
            }
            if (json) {
                io.out().println(new JsonObject().put("bootstrap", s.bootstrap()).put("controller", s.controllerUrl())
                        .put("token", s.token()).put("processes", rows).encodePrettily());
            } else {
                io.out().printf(Locale.ROOT, "%-14s %-10s %8s %6s  %s%n", "NAME", "STATE", "PID", "PORT", "LOG");
                for (Object o : rows) {
                    JsonObject r = (JsonObject) o;
                    io.out().printf(Locale.ROOT, "%-14s %-10s %8d %6d  %s%n", r.getString("name"), r.getString("state"),
                            r.getLong("pid"), r.getInteger("port"), r.getString("log"));
                }
                io.out().println("bootstrap=" + s.bootstrap());
                io.out().println("controller=" + s.controllerUrl());
            }
            return allUp ? 0 : 1;
        }

        static String state(ClusterState.Proc p) {
            if (!ChildProcesses.alive(p.pid())) {
                return "exited";
            }
            boolean healthy = switch (p.role()) {
                case "broker" -> ChildProcesses.listening(p.port());
                case "controller", "agent" -> ChildProcesses.healthy("http://127.0.0.1:" + p.port() + "/healthz");
                default -> true;
            };
            return healthy ? "running" : "unhealthy";
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Starts one process of the cluster again (one that exited or was killed), with the command "
                    + "line it was first started with; a running one is stopped first.")
    static final class Restart implements Callable<Integer> {
        private final Console io;

        Restart(Console io) {
            this.io = io;
        }

        @picocli.CommandLine.Parameters(paramLabel = "NAME", description = "the process, as 'cluster status' names it")
        String name;

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR, description = "the cluster's directory")
        Path dir;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "180s", converter = Converters.Duration.class,
                description = "how long it may take to become healthy (default: ${DEFAULT-VALUE})")
        long timeoutNs;

        @Override
        public Integer call() throws IOException {
            ClusterState s = ClusterState.load(dir);
            if (s == null) {
                throw new UserError("no cluster in " + dir);
            }
            ClusterState.Proc p = s.processes().stream().filter(q -> q.name().equals(name)).findFirst()
                    .orElseThrow(() -> new UserError("no process named " + name + " in " + dir + " (see 'cluster status')"));
            ChildProcesses.stop(p.pid(), Duration.ofSeconds(30));
            long pid = ChildProcesses.start(p.heap(), Path.of(p.log()), p.args());
            ClusterState.Proc q = p.withPid(pid);
            s.replace(q).save(dir);
            ChildProcesses.await(name, pid, Path.of(p.log()), Duration.ofNanos(timeoutNs), () -> !Status.state(q).equals("unhealthy"));
            io.out().println("memfleet cluster: " + name + " restarted (pid " + pid + ")");
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stops every process of the cluster (agents and generators, then the controller, then the "
                    + "brokers): SIGTERM, then SIGKILL after --grace. Logs and data stay in the directory.")
    static final class Down implements Callable<Integer> {
        private final Console io;

        Down(Console io) {
            this.io = io;
        }

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR, description = "the cluster's directory")
        Path dir;

        @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "30s", converter = Converters.Duration.class,
                description = "how long each process may take to stop (default: ${DEFAULT-VALUE})")
        long graceNs;

        @Override
        public Integer call() throws IOException {
            ClusterState s = ClusterState.load(dir);
            if (s == null) {
                throw new UserError("no cluster in " + dir);
            }
            boolean ok = stopAll(s, Duration.ofNanos(graceNs));
            Files.deleteIfExists(ClusterState.file(dir));
            io.out().println("memfleet cluster: down" + (ok ? "" : " (some processes did not stop)"));
            return ok ? 0 : 1;
        }

        static boolean stopAll(ClusterState s, Duration grace) {
            boolean ok = true;
            for (String role : List.of("generator", "agent", "controller", "broker")) {
                for (ClusterState.Proc p : s.processes()) {
                    if (p.role().equals(role)) {
                        ok &= ChildProcesses.stop(p.pid(), grace);
                    }
                }
            }
            return ok;
        }
    }
}
