package io.memfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memfleet.report.ResultsLayout.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsLayoutTest {
    @TempDir
    Path dir;

    private Path run(Path d) throws IOException {
        Files.createDirectories(d.resolve("nodes"));
        for (String f : List.of("summary.json", "run.json", "series.csv", "report.html")) {
            Files.writeString(d.resolve(f), "x");
        }
        Files.writeString(d.resolve("nodes").resolve("n-0000.txt"), "x");
        return d;
    }

    @Test
    void aMissingOrEmptyDirectoryIsFree() throws IOException {
        assertEquals(Kind.MISSING, ResultsLayout.inspect(dir.resolve("new")).kind());
        assertEquals(Kind.EMPTY, ResultsLayout.inspect(dir).kind());
    }

    @Test
    void aFileIsNotADirectory() throws IOException {
        assertEquals(Kind.NOT_A_DIRECTORY, ResultsLayout.inspect(Files.writeString(dir.resolve("f"), "x")).kind());
    }

    @Test
    void aRunsOwnFilesAreResults() throws IOException {
        assertEquals(Kind.RESULTS, ResultsLayout.inspect(run(dir.resolve("r"))).kind());
    }

    @Test
    void aMatrixOfRunsWithItsComparisonIsResults() throws IOException {
        Path m = dir.resolve("m");
        run(m.resolve("base"));
        run(m.resolve("nokmem"));
        Files.writeString(m.resolve("compare.csv"), "x");
        Files.writeString(m.resolve("compare.html"), "x");
        Files.writeString(m.resolve("run.json"), "x");
        assertEquals(Kind.RESULTS, ResultsLayout.inspect(m).kind());
    }

    @Test
    void anythingElseIsForeignAndNamed() throws IOException {
        Path r = run(dir.resolve("r"));
        Files.writeString(r.resolve("notes.md"), "mine");
        Files.writeString(r.resolve("nodes").resolve("hosts.ini"), "mine");
        ResultsLayout.Verdict v = ResultsLayout.inspect(r);
        assertEquals(Kind.FOREIGN, v.kind());
        assertEquals(List.of("nodes", "notes.md"), v.foreign());
        Path other = dir.resolve("other");
        Files.createDirectories(other.resolve("nodes"));
        assertEquals(new ResultsLayout.Verdict(Kind.FOREIGN, List.of("nodes")), ResultsLayout.inspect(other),
                "a nodes folder alone is not a run's");
    }
}
