package io.memfleet.workload.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Noisy rows as real traces have them: each kind repaired (clean), dropped (skip) or refused (fail), and counted. */
class TraceRepairTest {
    @TempDir
    Path tmp;

    private TraceSet load(String file, String content, String... kv) throws Exception {
        Files.writeString(tmp.resolve(file), content, StandardCharsets.UTF_8);
        Map<String, String> p = new HashMap<>(Map.of("path", file, "series_column", "pod", "time_column", "t",
                "value_column", "v"));
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return TraceLoader.load(TraceSpec.of(p, tmp, Map.of()), 10);
    }

    private static List<String> lines(TraceSet t) {
        return TraceRepairs.lines(t.repairs());
    }

    private String failure(String file, String content) {
        return assertThrows(TraceException.class, () -> load(file, content, "on_bad_rows", "fail")).getMessage();
    }

    @Test
    void negativeValuesAreClampedToZeroAndCountedWithTheirFirstLine() throws Exception {
        TraceSet t = load("pods.csv", "t,pod,v\n0,a,0.5\n60,a,-1.17e-05\n120,a,-0.2\n");
        assertArrayEquals(new double[] {0.5, 0, 0}, t.series().get(0).values());
        assertEquals(List.of("pods.csv: 2 negative values clamped to 0 (first at line 3)"), lines(t));
        assertTrue(failure("pods.csv", "t,pod,v\n0,a,0.5\n60,a,-1.17e-05\n")
                .endsWith("pods.csv:3: a negative demand: '-1.17e-05'"));
    }

    @Test
    void fractionsAboveOneAndPercentsAboveAHundredAreClampedToTheMaximum() throws Exception {
        TraceSet f = load("f.csv", "t,pod,v\n0,a,1.2\n60,a,0.9\n");
        assertArrayEquals(new double[] {1, 0.9}, f.series().get(0).values());
        assertEquals(List.of("f.csv: 1 value above the maximum clamped to the maximum (first at line 2)"), lines(f));
        TraceSet p = load("p.csv", "t,pod,v\n0,a,101\n", "value_unit", "percent");
        assertArrayEquals(new double[] {100}, p.series().get(0).values());
        TraceSet b = load("b.csv", "t,pod,v\n0,a,5e9\n", "value_unit", "bytes");
        assertTrue(b.repairs().isEmpty(), "bytes have no maximum");
        assertTrue(failure("f.csv", "t,pod,v\n0,a,1.2\n").contains("f.csv:2: above 1, the maximum of a fraction"));
    }

    @Test
    void emptyAndNonNumericValuesDropTheirRow() throws Exception {
        TraceSet t = load("pods.csv", "t,pod,v\n0,a,0.1\n60,a,\n120,a,NaN\n180,a,nan\n240,a,0.4\n300,a\n");
        assertArrayEquals(new double[] {0, 240}, t.series().get(0).times());
        assertEquals(List.of("pods.csv: 2 empty values skipped (first at line 3); 2 values that are not numbers "
                + "skipped (first at line 4)"), lines(t));
        assertTrue(failure("pods.csv", "t,pod,v\n0,a,\n").endsWith("pods.csv:2: an empty value"));
        assertTrue(failure("pods.csv", "t,pod,v\n0,a,NaN\n").endsWith("pods.csv:2: not a number: 'NaN'"));
    }

    @Test
    void rowsWithoutAValidTimeOrWithTooFewFieldsAreSkipped() throws Exception {
        TraceSet t = load("pods.csv", "t,pod,v\n0,a,0.1\n,a,0.2\nsoon,a,0.3\n60\n120,a,0.4\n");
        assertArrayEquals(new double[] {0.1, 0.4}, t.series().get(0).values());
        assertEquals(List.of("pods.csv: 1 row with too few fields skipped (first at line 5); 2 rows without a valid "
                + "time skipped (first at line 3)"), lines(t));
        assertTrue(failure("pods.csv", "t,pod,v\n60\n").endsWith("pods.csv:2: 1 fields, the trace needs 2"));
    }

    @Test
    void duplicateTimesKeepTheLastRowAndUnsortedSeriesAreSorted() throws Exception {
        TraceSet t = load("pods.csv", "t,pod,v\n0,a,0.1\n60,a,0.2\n60,a,0.3\n0,b,0.5\n30,a,0.15\n120,a,0.4\n30,a,0.16\n");
        assertArrayEquals(new double[] {0, 30, 60, 120}, t.series().get(0).times());
        assertArrayEquals(new double[] {0.1, 0.16, 0.3, 0.4}, t.series().get(0).values(), "the last row of a time");
        assertEquals(List.of("pods.csv: 2 duplicate times in a series the last row kept (first at line 4); 2 rows out "
                + "of time order its series sorted (first at line 6)"), lines(t));
        TraceSet s = load("pods.csv", "t,pod,v\n0,a,0.1\n60,a,0.2\n60,a,0.3\n30,a,0.15\n", "on_bad_rows", "skip");
        assertArrayEquals(new double[] {0.1, 0.2}, s.series().get(0).values(), "skip keeps the first, drops the late");
        assertEquals(List.of("pods.csv: 1 duplicate time in a series the first row kept (first at line 4); 1 row out "
                + "of time order skipped (first at line 5)"), lines(s));
        assertTrue(failure("pods.csv", "t,pod,v\n60,a,1\n0,a,1\n").contains("pods.csv:3: time 0.0 s is before the "
                + "series' previous 60.0 s"));
        assertTrue(failure("pods.csv", "t,pod,v\n60,a,1\n60,a,1\n").contains("pods.csv:3: time 60.0 s a second time"));
    }

    @Test
    void skipDropsWhatCleanWouldClamp() throws Exception {
        TraceSet t = load("pods.csv", "t,pod,v\n0,a,-0.1\n60,a,1.5\n120,a,0.5\n", "on_bad_rows", "skip");
        assertArrayEquals(new double[] {0.5}, t.series().get(0).values());
        assertEquals(List.of("pods.csv: 1 negative value skipped (first at line 2); 1 value above the maximum "
                + "skipped (first at line 3)"), lines(t));
    }

    @Test
    void crlfLineEndsAByteOrderMarkAndQuotedHeadersReadAsAnyoneExpects() throws Exception {
        TraceSet t = load("excel.csv", "\uFEFF\"t\",\"pod\",\"v\"\r\n0,\"pod \"\"a\"\", west\",0.25\r\n60,\"pod \"\"a\"\", "
                + "west\",0.5\r\n");
        assertEquals("pod \"a\", west", t.series().get(0).name());
        assertArrayEquals(new double[] {0.25, 0.5}, t.series().get(0).values());
        assertTrue(t.repairs().isEmpty());
    }

    @Test
    void datesAndTimesAsPandasReadsThemAreTimesToo() throws Exception {
        TraceSet t = load("iso.csv", "t,pod,v\n2026-12-01 10:00:00,a,0.1\n2026-12-01T10:01:00Z,a,0.2\n"
                + "2026-12-01T12:02:30.5+02:00,a,0.3\n");
        assertArrayEquals(new double[] {0, 60, 150.5}, t.series().get(0).times(), 1e-9);
        assertTrue(t.repairs().isEmpty());
    }

    @Test
    void aTraceWhoseEveryRowIsBadIsRefusedSayingWhy() {
        String msg = assertThrows(TraceException.class, () -> load("bad.csv", "t,pod,v\n0,a,x\n60,a,\n")).getMessage();
        assertTrue(msg.contains("no rows that can be replayed (2 rows, every one skipped: bad.csv: 1 empty value "
                + "skipped (first at line 3); 1 value that is not a number skipped (first at line 2))"), msg);
    }

    @Test
    void anEmptyFileInADirectoryIsAnIdleSeriesUnderCleanAndAnErrorUnderFail() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("vms"));
        Files.writeString(dir.resolve("a.txt"), "0.5\n0.25\n");
        Files.writeString(dir.resolve("b.txt"), "");
        TraceSet t = TraceLoader.load(TraceSpec.of(Map.of("path", "vms", "format", "wide"), tmp, Map.of()), 10);
        assertEquals(2, t.count());
        assertEquals(0, t.series().get(1).times().length);
        assertEquals(List.of("b.txt: 1 file without rows replayed as no demand (first at line 1)"), lines(t));
        assertTrue(assertThrows(TraceException.class, () -> TraceLoader.load(TraceSpec.of(Map.of("path", "vms",
                "format", "wide", "on_bad_rows", "fail"), tmp, Map.of()), 10)).getMessage().contains("no rows"));
    }
}
