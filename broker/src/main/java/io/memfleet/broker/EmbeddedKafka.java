package io.memfleet.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) running inside this JVM,
 * listening on 127.0.0.1 only.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
 *     ... kafka.bootstrapServers() ...
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** How long {@link #start} waits for the broker to answer an admin request. */
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private static final String LOOPBACK = "127.0.0.1";

    private final KafkaRaftServer server;
    private final Admin admin;
    private final int port;
    private final Path dataDir;
    private final Duration startupTime;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LogDirSpace space;

    private EmbeddedKafka(KafkaRaftServer server, Admin admin, int port, Path dataDir, Duration startupTime,
                          LogDirSpace space) {
        this.server = server;
        this.admin = admin;
        this.port = port;
        this.dataDir = dataDir;
        this.startupTime = startupTime;
        this.space = space;
    }

    /**
     * One member of a KRaft cluster of combined broker-and-controller nodes on loopback: its node
     * id, the client and controller ports, the static voters of every member
     * ({@code 1@127.0.0.1:9093,2@...}), the cluster id they share, and the member count (which sets
     * the replication factors: 3 members give RF 3 and min.insync.replicas 2).
     */
    public record Member(int nodeId, int port, int controllerPort, String voters, String clusterId, int members) {
        /** The single node of a one-broker cluster on the given ports (0: free ones). */
        public static Member single(int port) {
            return new Member(1, port, 0, null, null, 1);
        }
    }

    /** Starts a broker on free loopback ports, keeping its logs under {@code dataDir}. */
    public static EmbeddedKafka start(Path dataDir) throws IOException {
        return start(dataDir, 0, Map.of());
    }

    /** A fresh cluster id for the members of a new cluster. */
    public static String newClusterId() {
        return Uuid.randomUuid().toString();
    }

    /**
     * Starts a broker whose client (PLAINTEXT) listener is on {@code port} (0 = a free port) and
     * whose server properties are the defaults of this class overridden by {@code overrides}.
     * An existing {@code dataDir} with a formatted log directory is reused (its data survives).
     *
     * @throws IOException if the storage cannot be prepared
     * @throws IllegalStateException if the broker fails to start or is not ready in time
     */
    public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> overrides) throws IOException {
        return start(dataDir, Member.single(port), overrides);
    }

    /** Starts one member of a cluster (see {@link Member}); a single member is a one-node cluster. */
    public static EmbeddedKafka start(Path dataDir, Member m, Map<String, String> overrides) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(dataDir);
        LogDirSpace.checkBeforeStart(dataDir);
        int[] ports = freePorts(m.port(), 2);
        int clientPort = ports[0];
        int controllerPort = m.controllerPort() != 0 ? m.controllerPort() : ports[1];
        Properties props = serverProperties(dataDir, clientPort, controllerPort);
        if (m.members() > 1 || m.voters() != null) {
            cluster(props, m, controllerPort);
        }
        props.putAll(overrides);

        Path propsFile = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(propsFile)) {
            props.store(out, "memfleet embedded KRaft broker");
        }
        if (!Files.exists(Path.of(props.getProperty("log.dirs")).resolve("meta.properties"))) {
            format(propsFile, m.clusterId() != null ? m.clusterId() : Uuid.randomUuid().toString());
        }

        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        Admin admin = null;
        try {
            server.startup();
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LOOPBACK + ":" + clientPort,
                    AdminClientConfig.CLIENT_ID_CONFIG, "memfleet-embedded-admin"));
            awaitReady(admin, System.nanoTime() + READY_TIMEOUT.toNanos());
        } catch (RuntimeException | Error e) {
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
            server.shutdown();
            server.awaitShutdown();
            throw e;
        }
        return new EmbeddedKafka(server, admin, clientPort, dataDir, Duration.ofNanos(System.nanoTime() - t0),
                LogDirSpace.watch(dataDir, System.err, 2000));
    }

    /** {@code 127.0.0.1:PORT} of the client listener. */
    public String bootstrapServers() {
        return LOOPBACK + ":" + port;
    }

    /** The client listener's port. */
    public int port() {
        return port;
    }

    /** The directory holding the server properties and the log directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** Wall time from {@link #start} to the first successful admin request. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Shuts the broker down and waits for it; later calls do nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        space.close();
        try {
            admin.close(Duration.ofSeconds(5));
        } finally {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    /** The server properties of a lean single-node cluster; test-sized segments. */
    static Properties serverProperties(Path dataDir, int clientPort, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@" + LOOPBACK + ":" + controllerPort);
        p.setProperty("listeners",
                "PLAINTEXT://" + LOOPBACK + ":" + clientPort + ",CONTROLLER://" + LOOPBACK + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + clientPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dataDir.resolve("kraft-logs").toAbsolutePath().toString());
        // one node: every internal topic has a single replica
        p.setProperty("default.replication.factor", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "8");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // defaults sized for big brokers: 128 MiB cleaner buffer, 3 s delay on every first join
        p.setProperty("log.cleaner.dedupe.buffer.size", "8388608");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("num.partitions", "8");
        p.setProperty("auto.create.topics.enable", "false");
        // two cores: fewer threads
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "4");
        p.setProperty("background.threads", "4");
        // small segments and indexes
        p.setProperty("log.segment.bytes", String.valueOf(16 << 20));
        p.setProperty("log.index.size.max.bytes", String.valueOf(1 << 20));
        return p;
    }

    /** A member of a multi-node cluster: its id, the shared voters, and replication for that many members. */
    private static void cluster(Properties p, Member m, int controllerPort) {
        p.setProperty("node.id", Integer.toString(m.nodeId()));
        p.setProperty("controller.quorum.voters", m.voters() != null ? m.voters()
                : m.nodeId() + "@" + LOOPBACK + ":" + controllerPort);
        String rf = Integer.toString(Math.min(3, m.members()));
        String isr = Integer.toString(Math.max(1, Math.min(3, m.members()) - 1));
        p.setProperty("default.replication.factor", rf);
        p.setProperty("min.insync.replicas", isr);
        p.setProperty("offsets.topic.replication.factor", rf);
        p.setProperty("transaction.state.log.replication.factor", rf);
        p.setProperty("transaction.state.log.min.isr", isr);
        p.setProperty("share.coordinator.state.topic.replication.factor", rf);
        p.setProperty("share.coordinator.state.topic.min.isr", isr);
    }

    /** Formats the log directory named in {@code file} with the cluster's id. */
    private static void format(Path file, String clusterId) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", file.toString()}, out);
        }
        if (rc != 0) {
            throw new IllegalStateException("kafka storage format failed (" + rc + "): "
                    + buf.toString(StandardCharsets.UTF_8));
        }
    }

    /** The admin client of this broker (for tests and the launcher's health checks). */
    public Admin admin() {
        return admin;
    }

    /** Polls describeCluster until it lists a node or the deadline passes. */
    private static void awaitReady(Admin admin, long deadlineNanos) {
        Exception last = null;
        for (long left; (left = deadlineNanos - System.nanoTime()) > 0; ) {
            int timeoutMs = (int) Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 5_000));
            try {
                if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                        .nodes().get(timeoutMs, TimeUnit.MILLISECONDS).isEmpty()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the broker", e);
            }
        }
        throw new IllegalStateException("broker not ready within " + READY_TIMEOUT, last);
    }

    /**
     * {@code n} distinct ports that were free on the loopback address a moment ago; the first is
     * {@code first} unless that is 0. All sockets are held open together so no port repeats.
     */
    private static int[] freePorts(int first, int n) {
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                if (i == 0 && first != 0) {
                    ports[0] = first;
                    continue;
                }
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                closeQuietly(s);
            }
        }
    }

    private static void closeQuietly(ServerSocket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing was listening on it yet
            }
        }
    }
}
