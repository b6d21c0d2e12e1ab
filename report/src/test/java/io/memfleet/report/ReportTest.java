package io.memfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @TempDir
    Path tmp;

    @Test
    void theReportIsSelfContainedAndTheSameForTheSameDirectory() throws Exception {
        ResultsDir r = ResultsDir.read(Fixtures.results(tmp.resolve("a"), "", 2048, 2));
        String html = HtmlReport.render(r);
        assertTrue(html.contains("uPlot"), "the chart library is inlined");
        assertFalse(html.contains("<script src="), "no external script");
        assertFalse(java.util.regex.Pattern.compile("(src|href)=\"https?:").matcher(html).find(), "nothing fetched from the network");
        assertTrue(html.contains("\"id\":\"usage:/web\""), "a usage chart per top-level cgroup");
        assertTrue(html.contains("<td>4 KiB</td>"), "human units below 1 MiB, without a needless .0: " + html.substring(html.indexOf("top-kmem")));
        assertEquals(html, HtmlReport.render(ResultsDir.read(tmp.resolve("a"))));
    }

    @Test
    void theHeaderSaysWhatTheTracesNeededOnTheWayInFromRunJson() throws Exception {
        Path dir = Fixtures.results(tmp.resolve("a"), "", 2048, 2);
        assertTrue(ResultsDir.read(dir).traceRepairs().isEmpty(), "a run.json without trace repairs, or none at all");
        java.nio.file.Files.writeString(dir.resolve("run.json"), """
                {"experiment_id": "x", "trace_repairs": [
                  {"workload": 0, "file": "pods.csv", "kind": "negative", "count": 1, "first_line": 154229,
                   "text": "1 negative value clamped to 0 (first at line 154229)"},
                  {"workload": 0, "file": "pods.csv", "kind": "empty", "count": 12, "first_line": 88,
                   "text": "12 empty values skipped (first at line 88)"}]}
                """);
        ResultsDir r = ResultsDir.read(dir);
        assertEquals(List.of("workloads[0]: pods.csv: 1 negative value clamped to 0 (first at line 154229); 12 empty "
                + "values skipped (first at line 88)"), r.traceRepairs());
        String html = HtmlReport.render(r);
        int at = html.indexOf("pods.csv: 1 negative value clamped to 0");
        assertTrue(at >= 0 && at < html.indexOf("Memory usage per cgroup"), "in the header, before the charts");
    }

    @Test
    void aComparisonPutsTheLargestDifferenceFirst() throws Exception {
        ResultsDir a = ResultsDir.read(Fixtures.results(tmp.resolve("a"), "", 2000, 0));
        ResultsDir b = ResultsDir.read(Fixtures.results(tmp.resolve("b"), "nokmem", 3000, 2));
        Comparison c = new Comparison(List.of(a, b));
        Comparison.Row first = c.differing().get(0);
        assertEquals("/batch", first.cgroup(), "OOM kills from none ranks first: " + c.differing());
        assertEquals("OOM kills", first.metric());
        assertTrue(c.differing().stream().anyMatch(r -> r.cgroup().equals("/web") && r.metric().equals("usage p99 (final)")
                && r.values()[1] == 3000));
        assertTrue(c.csv().contains("/web,usage p99 (final),bytes,2000,3000,1000,+50.0"), c.csv());
        String html = CompareReport.render(c);
        assertTrue(html.contains("+1000 B (+50.0%)"), html);
        assertTrue(html.contains("\"id\":\"usage:/web\""));
    }

    @Test
    void theSeriesInParquetReadsBackInDuckDb() throws Exception {
        ResultsDir r = ResultsDir.read(Fixtures.results(tmp.resolve("a"), "", 2048, 2));
        Path file = tmp.resolve("series.parquet");
        SeriesParquet.write(r.series(), file);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*), sum(usage_max), max(sim_seconds), "
                     + "max(oom_kills) FROM read_parquet('" + file + "') WHERE cgroup IN ('/web', '/batch')")) {
            assertTrue(rs.next());
            assertEquals(4, rs.getLong(1));
            assertEquals(10 + 3 + 30 + 2048, rs.getLong(2));
            assertEquals(2.0, rs.getDouble(3));
            assertEquals(2, rs.getLong(4));
        }
        byte[] once = java.nio.file.Files.readAllBytes(file);
        SeriesParquet.write(r.series(), file);
        assertEquals(java.util.Arrays.toString(once), java.util.Arrays.toString(java.nio.file.Files.readAllBytes(file)));
    }
}
