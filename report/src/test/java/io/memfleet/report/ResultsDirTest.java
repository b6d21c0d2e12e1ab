package io.memfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsDirTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheSummarySeriesAndTheNodesWithTheMostKmem() throws Exception {
        ResultsDir r = ResultsDir.read(Fixtures.results(tmp.resolve("a"), "", 2048, 2));
        assertEquals("quickstart", r.summary().experiment());
        assertEquals(4, r.series().rows());
        assertEquals(2048, r.series().peak("/web", "usage_max"));
        assertEquals("quickstart-0000", r.topKmem().get(0).node());
        assertEquals("/web", r.topKmem().get(0).cgroup());
        assertEquals(4096, r.topKmem().get(0).kmemUsage());
        assertTrue(r.experimentYaml().startsWith("name: quickstart"));
    }

    @Test
    void aForeignDirectoryIsNamedInTheError() throws Exception {
        Files.createDirectories(tmp.resolve("photos"));
        var e = assertThrows(ResultsDirException.class, () -> ResultsDir.read(tmp.resolve("photos")));
        assertTrue(e.getMessage().contains("photos: not a memfleet results directory (no summary.json)"), e.getMessage());
    }

    @Test
    void aCorruptSummaryIsReportedWithItsFileAndLine() throws Exception {
        Path d = Fixtures.results(tmp.resolve("a"), "", 1, 0);
        Files.writeString(d.resolve("summary.json"), "{\n  \"experiment\": \"x\",\n  oops\n}");
        var e = assertThrows(ResultsDirException.class, () -> ResultsDir.read(d));
        assertTrue(e.getMessage().contains("summary.json:3: not valid JSON"), e.getMessage());
    }

    @Test
    void jsonThatIsNotASummaryIsRefused() throws Exception {
        Path d = Fixtures.results(tmp.resolve("a"), "", 1, 0);
        Files.writeString(d.resolve("summary.json"), "{\"name\": \"package.json, say\"}");
        var e = assertThrows(ResultsDirException.class, () -> ResultsDir.read(d));
        assertTrue(e.getMessage().contains("summary.json: not a memfleet summary"), e.getMessage());
    }

    @Test
    void aTruncatedSeriesRowIsReportedWithItsLine() throws Exception {
        Path d = Fixtures.results(tmp.resolve("a"), "", 1, 0);
        Files.writeString(d.resolve("series.csv"), Fixtures.HEADER + "\n1,/web,2,1,2\n");
        var e = assertThrows(ResultsDirException.class, () -> ResultsDir.read(d));
        assertTrue(e.getMessage().contains("series.csv:2: expected 22 fields, found 5"), e.getMessage());
    }

    @Test
    void aSeriesWithAForeignHeaderIsRefused() throws Exception {
        Path d = Fixtures.results(tmp.resolve("a"), "", 1, 0);
        Files.writeString(d.resolve("series.csv"), "date,open,close\n");
        var e = assertThrows(ResultsDirException.class, () -> ResultsDir.read(d));
        assertTrue(e.getMessage().contains("series.csv:1: not a memfleet series"), e.getMessage());
    }

    @Test
    void aNodeFileWithGarbageIsNamed() throws Exception {
        Path d = Fixtures.results(tmp.resolve("a"), "", 1, 0);
        Files.writeString(d.resolve("nodes").resolve("quickstart-0001.txt"), "==> /web/memory.kmem.usage_in_bytes <==\nlots\n");
        var e = assertThrows(ResultsDirException.class, () -> ResultsDir.read(d));
        assertTrue(e.getMessage().contains("quickstart-0001.txt:2:"), e.getMessage());
    }
}
