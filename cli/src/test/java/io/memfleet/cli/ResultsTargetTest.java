package io.memfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTargetTest {
    @TempDir
    Path dir;

    private List<String> entries(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path earlier(Path d) throws IOException {
        Files.createDirectories(d.resolve("nodes"));
        Files.writeString(d.resolve("summary.json"), "earlier");
        Files.writeString(d.resolve("nodes").resolve("old-0000.txt"), "earlier");
        return d;
    }

    @Test
    void resultsAppearOnlyWhenCommitted() throws IOException {
        Path out = dir.resolve("out");
        try (ResultsTarget t = ResultsTarget.claim(out, "--out", false)) {
            Files.writeString(t.staging().resolve("summary.json"), "new");
            assertFalse(Files.exists(out), "nothing at the target while the run goes on");
            t.commit();
        }
        assertEquals("new", Files.readString(out.resolve("summary.json")));
        assertEquals(List.of(".out.memfleet-lock", "out"), entries(dir));
    }

    @Test
    void anUncommittedRunLeavesTheEarlierResultsAsTheyWere() throws IOException {
        Path out = earlier(dir.resolve("out"));
        try (ResultsTarget t = ResultsTarget.claim(out, "--out", true)) {
            Files.writeString(t.staging().resolve("summary.json"), "new");
        }
        assertEquals("earlier", Files.readString(out.resolve("summary.json")));
        assertEquals(List.of("old-0000.txt"), entries(out.resolve("nodes")));
        assertEquals(List.of(".out.memfleet-lock", "out"), entries(dir), "the staging directory is gone");
    }

    @Test
    void forceReplacesEarlierResultsWhole() throws IOException {
        Path out = earlier(dir.resolve("out"));
        UserError refused = assertThrows(UserError.class, () -> ResultsTarget.claim(out, "--out", false));
        assertEquals(2, refused.status());
        assertTrue(refused.getMessage().contains("--force replaces them"), refused.getMessage());
        try (ResultsTarget t = ResultsTarget.claim(out, "--out", true)) {
            Files.createDirectories(t.staging().resolve("nodes"));
            Files.writeString(t.staging().resolve("summary.json"), "new");
            Files.writeString(t.staging().resolve("nodes").resolve("new-0000.txt"), "new");
            t.commit();
        }
        assertEquals(List.of("new-0000.txt"), entries(out.resolve("nodes")), "no node of the earlier run mixed in");
    }

    @Test
    void aSecondClaimOfTheSameTargetIsRefusedUntilTheFirstEnds() throws IOException {
        Path out = dir.resolve("out");
        try (ResultsTarget t = ResultsTarget.claim(out, "--out", false)) {
            UserError e = assertThrows(UserError.class, () -> ResultsTarget.claim(out, "--out", false));
            assertTrue(e.getMessage().contains("is being written by another memfleet run (pid "
                    + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(Files.isDirectory(t.staging()), "the first claim keeps its staging directory");
        }
        try (ResultsTarget again = ResultsTarget.claim(out, "--out", false)) {
            assertTrue(Files.isDirectory(again.staging()));
        }
    }

    @Test
    void stagingLeftByAKilledRunIsRemovedByTheNext() throws IOException {
        Path out = dir.resolve("out");
        Files.createDirectories(dir.resolve(".out.memfleet-tmp-999999").resolve("nodes"));
        try (ResultsTarget t = ResultsTarget.claim(out, "--out", false)) {
            assertEquals(List.of(".out.memfleet-lock", t.staging().getFileName().toString()), entries(dir));
        }
    }

    @Test
    void aFileOrSomeoneElsesDirectoryIsRefusedNamingTheFlag() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertEquals("--out " + file + ": is a file, not a directory",
                assertThrows(UserError.class, () -> ResultsTarget.claim(file, "--out", true)).getMessage());
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("photo.jpg"), "x");
        assertTrue(assertThrows(UserError.class, () -> ResultsTarget.claim(mine, "--out", true)).getMessage()
                .endsWith("holds files memfleet did not write (photo.jpg); name a new or empty directory"));
    }
}
