package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.Launcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk is said out loud: {@code memfleet broker} refuses to start on a file system without
 * room for its logs, naming the directory and its free space; when the disk of a running broker
 * fills, Kafka's storage error names the directory, and when Kafka stops the process for its failed
 * log directory the reason, the directory and its free space are printed first. The file system is a small tmpfs mounted by the
 * test (skipped with a message where mounting is not permitted).
 */
@Timeout(300)
class FullDiskIT {
    @TempDir
    Path dir;
    private Path mnt;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        mnt = dir.resolve("disk");
        Files.createDirectories(mnt);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", mnt.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        Assumptions.assumeTrue(ok, "FullDiskIT skipped: this machine does not let the test mount a tmpfs (" + out.strip()
                + ")");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mnt != null) {
            new ProcessBuilder("umount", "-l", mnt.toString()).redirectErrorStream(true).start().waitFor(30,
                    TimeUnit.SECONDS);
        }
    }

    private void fill(long leaveBytes) throws IOException {
        long free = Files.getFileStore(mnt).getUsableSpace();
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(mnt.resolve("ballast"))) {
            for (long n = 0; n + chunk.length <= free - leaveBytes; n += chunk.length) {
                out.write(chunk);
            }
        }
    }

    @Test
    void aBrokerRefusesToStartOnAFullDiskAndSaysWhere() throws Exception {
        fill(8L << 20);
        Launcher.Child broker = Launcher.spawn(dir.resolve("refused.log"), List.of(), "broker", "--data",
                mnt.resolve("data").toString());
        assertTrue(broker.process().waitFor(120, TimeUnit.SECONDS), "the broker gave up:\n" + broker.output());
        assertNotEquals(0, broker.process().exitValue(), broker.output());
        String out = broker.output();
        assertTrue(out.contains(mnt.resolve("data").toString()) && out.contains("MiB free"), "names the directory and its "
                + "free space:\n" + out);
        assertTrue(!out.contains("\tat "), "no stack trace:\n" + out);
    }

    @Test
    void aBrokerWhoseDiskFillsWarnsAndSaysWhyItStopped() throws Exception {
        Launcher.Child broker = Launcher.spawn(dir.resolve("broker.log"), List.of(), "broker", "--data",
                mnt.resolve("data").toString());
        try {
            Matcher m = broker.awaitLine("the broker is ready", Pattern.compile("bootstrap=(\\S+)"), Duration.ofSeconds(120));
            String bootstrap = m.group(1);
            byte[] value = new byte[512 << 10];
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("fill", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                    "max.block.ms", "5000", "delivery.timeout.ms", "10000", "request.timeout.ms", "5000",
                    "linger.ms", "0", "max.request.size", String.valueOf(1 << 20)), new StringSerializer(),
                    new ByteArraySerializer())) {
                // 96 MiB of disk and 512 KiB records: the log fills after some 150; keep sending until the broker is gone
                for (int i = 0; i < 2000 && broker.process().isAlive(); i++) {
                    p.send(new ProducerRecord<>("fill", "k" + i, value));
                }
            } catch (RuntimeException e) {
                // the broker went away under the producer: what is checked is what the broker said
            }
            assertTrue(broker.process().waitFor(120, TimeUnit.SECONDS), "the broker stopped:\n" + broker.output());
            String out = broker.output();
            // the warning as the space runs low comes from a 2 s watch: a fast producer may fill the disk in between
            assertTrue(out.contains("No space left on device") && out.contains(mnt.resolve("data").toString()),
                    "Kafka's storage error names the directory:\n" + out);
            assertTrue(Pattern.compile("memfleet: Kafka stopped the process \\(status \\d+\\)[^\\n]*; the log directory "
                    + Pattern.quote(mnt.resolve("data").toString()) + " has 0\\.\\d MiB free \\(the disk is full\\)")
                    .matcher(out).find(), "it said why it stopped, where and how full:\n" + out);
            assertNotEquals(0, broker.process().exitValue());
        } finally {
            broker.kill();
        }
        assertEquals(false, broker.process().isAlive());
    }
}
