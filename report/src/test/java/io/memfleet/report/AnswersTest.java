package io.memfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnswersTest {
    @TempDir
    Path tmp;

    private static final String CGROUP = """
            {"cgroup": "%s", "nodes": %d,
             "usage_in_bytes": {"min": 0, "p50": %d, "p99": %d, "max": %d, "sum": 0},
             "kmem_usage_in_bytes": {"min": 0, "p50": 0, "p99": 0, "max": 0, "sum": 0},
             "failcnt": {"min": 0, "p50": 0, "p99": 0, "max": 0, "sum": 0},
             "oom_kills": %d, "alloc_failures": %d, "live_caches": 0, "dead_caches": %d,
             "oom_nodes": %d, "alloc_failure_nodes": %d, "first_oom_kill_s": %s, "first_alloc_failure_s": %s,
             "limit_in_bytes": {"min": %d, "max": %d},
             "memsw_limit_in_bytes": {"min": 9223372036854775807, "max": 9223372036854775807},
             "kmem_limit_in_bytes": {"min": %d, "max": %d}}""";
    private static final long UNLIMITED = Long.MAX_VALUE;

    private static String cgroup(String path, int nodes, long usage, long ooms, long fails, long dead, long oomNodes,
                                 long failNodes, String firstOom, String firstFail, long limit, long kmemLimit) {
        return CGROUP.formatted(path, nodes, usage, usage, usage, ooms, fails, dead, oomNodes, failNodes, firstOom, firstFail,
                limit, limit, kmemLimit, kmemLimit);
    }

    /** 24 nodes for 120 s: /batch OOM-killed, /web failing kmallocs, /jobs' children leaving dead caches. */
    private Path run() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(dir.resolve("summary.json"), "{\"experiment\": \"quickstart\", \"seed\": 1, \"kernel\": \"\","
                + " \"simulated_seconds\": 120.0, \"nodes\": 24, \"events\": 10,"
                + " \"declared_cgroups\": [\"/web\", \"/batch\", \"/jobs\"], \"caches\": [], \"cgroups\": ["
                + cgroup("/batch", 24, 32 << 20, 24, 0, 0, 24, 0, "12.4", "null", 32 << 20, UNLIMITED) + ","
                + cgroup("/jobs", 24, 1 << 20, 0, 0, 400, 0, 0, "null", "null", 64 << 20, UNLIMITED) + ","
                + cgroup("/jobs/job14", 3, 4096, 0, 0, 0, 0, 0, "null", "null", UNLIMITED, UNLIMITED) + ","
                + cgroup("/jobs/job15", 5, 8192, 0, 0, 80, 0, 0, "null", "null", UNLIMITED, UNLIMITED) + ","
                + cgroup("/web", 24, 120 << 20, 0, 3855, 0, 0, 24, "null", "16.6", 128 << 20, 1 << 20) + "]}");
        StringBuilder csv = new StringBuilder(Fixtures.HEADER + "\n");
        for (int s = 60; s <= 120; s += 60) {
            long dead = s == 60 ? 16 * 24 : 17 * 24; // one dead cache more per node in the last minute
            csv.append(s).append(",/batch,24,0,0,0,").append(32 << 20).append(",0,0,0,0,0,0,0,0,0,0,0,")
                    .append(s == 60 ? 24 : 0).append(",0,0,0\n");
            csv.append(s).append(",/jobs,24,0,0,0,").append(1 << 20).append(",0,0,0,0,0,0,0,0,0,0,0,0,0,0,")
                    .append(dead).append('\n');
            csv.append(s).append(",/jobs/job14,3,1,4096,4096,4096,9000,0,0,0,0,0,0,0,0,0,0,0,0,2,0\n");
            csv.append(s).append(",/jobs/job15,5,2,2048,8192,8192,9000,0,0,0,0,0,0,0,0,0,0,0,0,3,0\n");
            csv.append(s).append(",/web,24,0,0,0,").append(120 << 20).append(",0,0,0,0,0,0,0,0,0,0,0,0,")
                    .append(s == 60 ? 0 : 3855).append(",0,0\n");
        }
        Files.writeString(dir.resolve("series.csv"), csv.toString());
        return dir;
    }

    @Test
    void theAnswersNameWhatHappenedPerCgroupInWordsAndNumbers() throws Exception {
        ResultsDir r = FoldedRuns.fold(ResultsDir.read(run()));
        List<String> text = Answers.of(r).stream().map(Answers.Line::text).toList();
        assertEquals(List.of(
                "Fleet: 24 OOM kills and 3,855 allocation failures (24 nodes, 120 s simulated).",
                "/batch: OOM-killed on 24 of 24 nodes (24 kills), first at 12.4 s; 32 MiB limit.",
                "/jobs: 400 dead caches at the end, growing 1 per node per minute.",
                "/jobs/*: 80 dead caches at the end, not growing at the end.",
                "/web: 3,855 allocation failures on 24 of 24 nodes, first at 16.6 s; 1 MiB kmem limit, 128 MiB limit."),
                text);
        assertEquals("chart-events:oom_kills", Answers.of(r).get(1).target());
    }

    @Test
    void usageCloseToItsLimitIsALineEvenWithoutAnOomKill() throws Exception {
        Path dir = run();
        String summary = Files.readString(dir.resolve("summary.json")).replace("\"alloc_failures\": 3855", "\"alloc_failures\": 0");
        Files.writeString(dir.resolve("summary.json"), summary);
        List<Answers.Line> lines = Answers.of(FoldedRuns.fold(ResultsDir.read(dir)));
        assertTrue(lines.stream().anyMatch(l -> l.text().equals("/web: usage reached 120 MiB of its 128 MiB limit (94%).")
                && l.target().equals("chart-usage:/web")), lines.toString());
    }

    @Test
    void transientChildrenFoldIntoTheirParentsPatternUnlessAskedForExactly() throws Exception {
        ResultsDir exact = ResultsDir.read(run());
        ResultsDir folded = FoldedRuns.fold(exact);
        assertEquals(List.of("/batch", "/jobs", "/jobs/*", "/web"), folded.series().cgroupPaths());
        assertEquals(List.of("/batch", "/jobs", "/jobs/*", "/web"),
                folded.summary().cgroups().stream().map(ResultsDir.CgroupFinal::cgroup).toList());
        ResultsDir.CgroupFinal jobs = folded.summary().cgroups().get(2);
        assertEquals(80, jobs.deadCaches(), "counts add up");
        assertEquals(8192, jobs.stat("usage", "max"), "maxima take the largest member's");
        double[] x = folded.series().timeAxis();
        assertEquals(5L, folded.series().column("/jobs/*", "live_caches", x)[0], "2 + 3 live caches");
        assertEquals(1L, folded.series().column("/jobs/*", "usage_min", x)[0], "minima the smallest");
        assertEquals(18000L, folded.series().column("/jobs/*", "usage_sum", x)[0], "sums add up");
        String html = HtmlReport.render(exact, true);
        assertTrue(html.contains("<td>/jobs/job14</td>") && !html.contains("<td>/jobs/*</td>"), "exact on request");
        String byDefault = HtmlReport.render(exact);
        assertTrue(byDefault.contains("<td>/jobs/*</td>") && !byDefault.contains("job14"), "folded by default");
    }

    @Test
    void chartsDrawTheLimitsAndLeaveOutWhatIsAllZeroSayingSo() throws Exception {
        String html = HtmlReport.render(ResultsDir.read(run()));
        assertTrue(html.contains("{\"label\":\"limit 32 MiB\",\"style\":\"limit\""), "the limit of /batch as a line");
        assertTrue(html.contains("{\"label\":\"limit 128 MiB\",\"style\":\"limit\""), "the limit of /web");
        assertFalse(html.contains("memsw limit"), "an unlimited memsw limit is no line");
        assertFalse(html.contains("\"id\":\"kmem:/batch\""), "kmem of /batch is 0 throughout");
        assertTrue(html.contains("Left out, every value 0: kmem of /batch over the nodes;"), "and the page says so");
        assertTrue(html.contains("{\"label\":\"max\",\"style\":\"wide\""), "the maximum under the percentiles");
        int answers = html.indexOf("<ul id=\"answers\">");
        assertTrue(answers > 0 && answers < html.indexOf("Memory usage per cgroup"), "the answers come first");
        assertTrue(html.contains("<a href=\"#chart-events:alloc_failures\">/web: 3,855 allocation failures"));
    }

    @Test
    void aComparisonOpensWithItsLargestDifferencesInWords() throws Exception {
        ResultsDir a = ResultsDir.read(Fixtures.results(tmp.resolve("a"), "", 2000, 0));
        ResultsDir b = ResultsDir.read(Fixtures.results(tmp.resolve("b"), "nokmem", 3000, 2));
        List<Answers.Line> lines = CompareReport.answers(Comparison.of(List.of(a, b), false));
        assertTrue(lines.get(0).text().matches("[0-9]+ of [0-9]+ compared figures differ from the baseline a; the largest:"),
                lines.get(0).text());
        assertEquals("/batch: OOM kills 0 in a, 2 in b (new).", lines.get(1).text());
        assertTrue(lines.stream().anyMatch(l -> l.text().equals("/web: usage p99 (final) 2 KiB in a, 2.9 KiB in b (+50.0%).")
                && l.target().equals("chart-usage:/web")), lines.toString());
        String html = CompareReport.render(Comparison.of(List.of(a, b), false));
        assertTrue(html.contains("{\"label\":\"a\",\"style\":\"wide\""), "the baseline under the others");
    }
}
