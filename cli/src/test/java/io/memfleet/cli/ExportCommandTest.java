package io.memfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export openmetrics} on a small results directory: where samples land, what it refuses. */
class ExportCommandTest {
    @TempDir
    Path tmp;

    private Path results() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(dir.resolve("summary.json"), "{\"experiment\": \"qs\", \"cgroups\": []}\n");
        Files.writeString(dir.resolve("run.json"), "{\"experiment_id\": \"qs-abc123\"}\n");
        Files.writeString(dir.resolve("series.csv"), SeriesCsv.HEADER + "\n1.5,/web,1" + ",0".repeat(31) + "\n"
                + "3,/web,1" + ",7".repeat(31) + "\n", StandardCharsets.UTF_8);
        return dir;
    }

    @Test
    void samplesLandAtTheStartPlusTheirSimulatedTime() throws Exception {
        Path dir = results();
        MainTest.Outcome o = MainTest.memfleet("export", "openmetrics", dir.toString(), "--start", "2026-12-01T10:00:00Z");
        assertEquals(0, o.status(), o.err());
        String om = Files.readString(dir.resolve(ExportCommand.OpenMetrics.FILE));
        long start = java.time.Instant.parse("2026-12-01T10:00:00Z").getEpochSecond();
        assertTrue(om.contains("memfleet_fleet_memory_usage_bytes{experiment=\"qs-abc123\",cgroup=\"/web\",stat=\"max\"} 7 "
                + (start + 3) + "\n"), om);
        assertTrue(om.contains("memfleet_fleet_oom_kills_total{experiment=\"qs-abc123\",cgroup=\"/web\"} 0 " + start + "\n"), om);
        assertTrue(om.endsWith("# EOF\n"), om);
        MainTest.Outcome again = MainTest.memfleet("export", "openmetrics", dir.toString(), "--start", Long.toString(start));
        assertEquals(0, again.status(), "its own file is replaced: " + again.err());
    }

    @Test
    void byDefaultTheRunEndsNow() throws Exception {
        Path dir = results();
        Path out = tmp.resolve("x.om");
        long before = System.currentTimeMillis();
        assertEquals(0, MainTest.memfleet("export", "openmetrics", dir.toString(), "--out", out.toString()).status());
        String last = Files.readString(out).lines().filter(l -> l.startsWith("memfleet_fleet_cgroup_nodes{"))
                .reduce((a, b) -> b).orElseThrow();
        double endsAt = Double.parseDouble(last.substring(last.lastIndexOf(' ') + 1));
        assertTrue(endsAt * 1000 >= before - 1 && endsAt * 1000 <= System.currentTimeMillis() + 1, last);
    }

    @Test
    void aBadStartAFileOfSomeoneElseOrNoResultsAreRefusedWithoutAStackTrace() throws Exception {
        Path dir = results();
        MainTest.Outcome bad = MainTest.memfleet("export", "openmetrics", dir.toString(), "--start", "yesterday");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--start"), bad.err());
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "mine\n");
        MainTest.Outcome foreign = MainTest.memfleet("export", "openmetrics", dir.toString(), "--out", notes.toString());
        assertEquals(2, foreign.status());
        assertTrue(foreign.err().contains("memfleet did not write it"), foreign.err());
        assertEquals("mine\n", Files.readString(notes));
        MainTest.Outcome none = MainTest.memfleet("export", "openmetrics", tmp.resolve("nothing").toString());
        assertEquals(2, none.status());
        assertFalse(none.err().contains("\tat "), none.err());
        MainTest.Outcome typo = MainTest.memfleet("export", "openmetric", dir.toString());
        assertEquals(2, typo.status());
        assertTrue(typo.err().contains("did you mean 'openmetrics'"), typo.err());
    }
}
