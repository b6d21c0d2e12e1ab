package io.memfleet.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Runs an {@link EmbeddedKafka} broker until SIGTERM or Ctrl-C.
 *
 * <p>Usage: {@code BrokerMain [--data DIR] [--port N]}. Without {@code --data} the broker uses a
 * temporary directory that is deleted on exit. When the broker is ready it prints
 * {@code bootstrap=127.0.0.1:PORT} as the only line on standard output; logs go to standard error.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    /** Entry point; exit status 2 on bad arguments. */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path data = null;
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if ("--data".equals(args[i]) && value != null) {
                data = Path.of(value);
                i++;
            } else if ("--port".equals(args[i]) && value != null && value.matches("\\d{1,5}")) {
                port = Integer.parseInt(value);
                i++;
            } else {
                System.err.println("usage: BrokerMain [--data DIR] [--port N]");
                System.exit(2);
            }
        }
        boolean temporary = data == null;
        Path dir = temporary ? Files.createTempDirectory("memfleet-broker") : data;

        EmbeddedKafka kafka = EmbeddedKafka.start(dir, port, Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                kafka.close();
                if (temporary) {
                    deleteTree(dir);
                }
            } finally {
                stopped.countDown();
            }
        }, "memfleet-broker-shutdown"));

        System.err.println("memfleet broker ready in " + kafka.startupTime().toMillis() + " ms, data " + dir);
        System.out.println("bootstrap=" + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    /** Best-effort recursive delete. */
    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e);
        }
    }
}
