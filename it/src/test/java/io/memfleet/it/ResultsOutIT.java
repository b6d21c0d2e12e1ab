package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.Launcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --out} as a new user tries it: a file, a place that cannot be written, a directory
 * holding someone else's files, earlier results without {@code --force}: each refused before
 * anything starts (exit 2 naming the flag and the reason, no stack trace, nothing touched); with
 * {@code --force} earlier results are replaced as a whole, never mixed with the new ones.
 */
@Timeout(300)
class ResultsOutIT {
    @TempDir
    Path work;

    private static Launcher.Outcome run(Path out, String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "run";
        args[1] = Launcher.example("quickstart.yaml").toString();
        args[2] = "--out";
        args[3] = out.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        return Launcher.memfleet(args);
    }

    private static void assertRefused(Launcher.Outcome o, String reason) {
        assertEquals(2, o.status(), o.out() + o.err());
        assertTrue(o.err().startsWith("memfleet run: --out ") && o.err().contains(reason), o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line, no stack trace: " + o.err());
        assertFalse(o.out().contains("embedded Kafka broker"), "refused before anything started: " + o.out());
    }

    @Test
    void aFileIsRefused() throws Exception {
        Path file = Files.writeString(work.resolve("notes.txt"), "mine\n");
        assertRefused(run(file), "is a file, not a directory");
        assertEquals("mine\n", Files.readString(file));
        assertRefused(run(file.resolve("sub")), file + " is a file, not a directory");
    }

    @Test
    void aPlaceThatCannotBeWrittenIsRefused() throws Exception {
        assertRefused(run(Path.of("/proc/self/memfleet-results")), "is not writable");
        Path locked = Files.createDirectory(work.resolve("locked"));
        if (locked.toFile().setWritable(false, false) && !Files.isWritable(locked)) { // not as root
            assertRefused(run(locked.resolve("out")), "is not writable");
        }
    }

    @Test
    void aDirectoryOfSomeoneElsesFilesIsRefusedAndLeftAlone() throws Exception {
        Path dir = work.resolve("inventory");
        Files.createDirectories(dir.resolve("nodes"));
        Files.writeString(dir.resolve("nodes").resolve("hosts.ini"), "[web]\nhost1\n");
        assertRefused(run(dir), "holds files memfleet did not write (nodes)");
        assertRefused(run(dir, "--force"), "holds files memfleet did not write (nodes)");
        assertEquals("[web]\nhost1\n", Files.readString(dir.resolve("nodes").resolve("hosts.ini")));
        // results with a file of the user's added are not memfleet's alone either
        Path results = work.resolve("annotated");
        Files.createDirectories(results);
        Files.writeString(results.resolve("summary.json"), "{}");
        Files.writeString(results.resolve("my-notes.md"), "keep\n");
        assertRefused(run(results, "--force"), "holds files memfleet did not write (my-notes.md)");
    }

    @Test
    void earlierResultsAreReplacedWholeOnlyWithForce() throws Exception {
        Path out = work.resolve("results");
        Files.createDirectories(out.resolve("nodes"));
        Files.writeString(out.resolve("summary.json"), "{\"experiment\": \"earlier\", \"cgroups\": []}\n");
        Files.writeString(out.resolve("nodes").resolve("earlier-0000.txt"), "old\n");
        assertRefused(run(out), "holds the results of an earlier run; --force replaces them");

        Launcher.Outcome o = run(out, "--force", "-q", "--set", "nodes=3", "--set", "duration=3s");
        assertEquals(0, o.status(), o.out() + o.err());
        try (Stream<Path> s = Files.list(out.resolve("nodes"))) {
            assertEquals(List.of("quickstart-0000.txt", "quickstart-0001.txt", "quickstart-0002.txt"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "only this run's nodes");
        }
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"experiment\" : \"quickstart\""));
        try (Stream<Path> s = Files.list(work)) {
            assertEquals(List.of(".results.memfleet-lock", "results"), s.map(p -> p.getFileName().toString()).sorted()
                    .toList(), "no staging directory or old copy left beside it (the lock's small file stays)");
        }
    }
}
