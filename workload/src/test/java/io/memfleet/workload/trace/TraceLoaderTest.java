package io.memfleet.workload.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceLoaderTest {
    @TempDir
    Path tmp;

    private TraceSet load(Map<String, String> params, int keep) throws TraceException {
        return TraceLoader.load(TraceSpec.of(params, tmp, Map.of()), keep);
    }

    private static Map<String, String> params(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The error of a trace read with {@code on_bad_rows: fail}. */
    private String error(Map<String, String> params) {
        Map<String, String> failing = new HashMap<>(params);
        failing.put("on_bad_rows", "fail");
        return assertThrows(TraceException.class, () -> load(failing, 10)).getMessage();
    }

    @Test
    void longFormatNumbersSeriesByFirstAppearanceAndRebasesTimes() throws Exception {
        Files.writeString(tmp.resolve("pods.csv"), "timestamp,container_ip,value\n"
                + "1000,10.0.0.2,0.5\n1000,10.0.0.1,0.25\n1300,10.0.0.2,0.75\n1600,\"10.0.0.1\",1e-1\n");
        TraceSet t = load(params("path", "pods.csv", "series_column", "container_ip", "time_column", "timestamp",
                "value_column", "value"), 10);
        assertEquals(2, t.count());
        assertEquals("10.0.0.2", t.series().get(0).name());
        assertArrayEquals(new double[] {0, 300}, t.series().get(0).times());
        assertArrayEquals(new double[] {0.25, 0.1}, t.series().get(1).values(), 1e-12);
        assertEquals(4, t.rows());
    }

    @Test
    void onlyTheSeriesTheNodesTakeAreKeptAndNodesCycle() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < 5; s++) {
            sb.append("s").append(s).append(' ').append(s).append('\n');
        }
        Files.writeString(tmp.resolve("t.txt"), sb.toString());
        TraceSet t = load(params("path", "t.txt", "series_column", "0", "value_column", "1"), 2);
        assertEquals(5, t.count());
        assertEquals(2, t.series().size());
        assertEquals("s1", t.forNode(1, true).name());
        assertNull(t.forNode(7, false));
    }

    @Test
    void wideFormatReadsAColumnPerSeriesOrAFilePerSeriesGzippedOrNot() throws Exception {
        Files.writeString(tmp.resolve("wide.csv"), "t,a,b\n0,1,2\n60,3,4\n");
        TraceSet cols = load(params("path", "wide.csv", "format", "wide", "time_column", "t", "header", "true",
                "value_unit", "bytes"), 10);
        assertEquals(2, cols.count());
        assertArrayEquals(new double[] {2, 4}, cols.series().get(1).values());
        Path dir = Files.createDirectories(tmp.resolve("jobs"));
        Files.writeString(dir.resolve("a"), "6.7 5.1\n7.2 5.2\n");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve("b.gz")))) {
            o.write("1 2\n3 4\n5 6\n".getBytes(StandardCharsets.US_ASCII));
        }
        TraceSet files = load(params("path", "jobs", "format", "wide", "value_column", "1", "interval", "300s",
                "value_unit", "bytes"), 10);
        assertEquals(2, files.count());
        assertEquals("b.gz", files.series().get(1).name());
        assertArrayEquals(new double[] {0, 300, 600}, files.series().get(1).times());
        assertArrayEquals(new double[] {2, 4, 6}, files.series().get(1).values());
    }

    @Test
    void valuesAreHeldOrInterpolatedZeroBeforeAndLastAfter() {
        TraceSet.Series s = new TraceSet.Series("x", new double[] {10, 20}, new double[] {1, 3});
        int[] c = {0};
        assertEquals(0, s.at(5, false, c));
        assertEquals(1, s.at(15, false, c));
        assertEquals(2, s.at(15, true, new int[1]), 1e-12);
        assertEquals(3, s.at(99, true, c));
    }

    @Test
    void badTracesAreRejectedNamingFileLineAndField() throws IOException {
        assertTrue(error(params("path", "missing.csv", "series_column", "0", "value_column", "1"))
                .contains("missing.csv: no such file or directory"));
        Files.writeString(tmp.resolve("h.csv"), "time,id,val\n0,a,1\n");
        assertTrue(error(params("path", "h.csv", "series_column", "id", "value_column", "value"))
                .contains("h.csv:1: no column 'value' (columns: time, id, val)"));
        Files.writeString(tmp.resolve("n.csv"), "time,id,val\n0,a,1\n60,a,lots\n");
        assertTrue(error(params("path", "n.csv", "series_column", "id", "value_column", "val", "time_column", "time"))
                .contains("n.csv:3: not a number: 'lots'"));
        Files.writeString(tmp.resolve("b.csv"), "time,id,val\n60,a,1\n0,a,1\n");
        assertTrue(error(params("path", "b.csv", "series_column", "id", "value_column", "val", "time_column", "time"))
                .contains("b.csv:3: time 0.0 s is before the series' previous 60.0 s"));
        Files.writeString(tmp.resolve("e.csv"), "time,id,val\n");
        assertTrue(error(params("path", "e.csv", "series_column", "id", "value_column", "val")).contains("no rows"));
        assertTrue(assertThrows(TraceException.class, () -> TraceSpec.of(params("path", "x", "series_column", "id",
                "value_column", "v", "header", "false"), tmp, Map.of())).getMessage().contains("need a header"));
        assertTrue(assertThrows(TraceException.class, () -> TraceSpec.of(params("path", "x", "format", "wide",
                "value_unit", "furlongs"), tmp, Map.of())).getMessage().contains("fraction, percent, bytes"));
    }

    @Test
    void thePathTakesEnvironmentVariablesWithDefaults() throws Exception {
        assertEquals(tmp.resolve("a/b"), TraceSpec.of(params("path", "${T_DIR:-a}/b", "format", "wide"), tmp,
                Map.of()).path());
        assertEquals(Path.of("/data/b"), TraceSpec.of(params("path", "${T_DIR:-a}/b", "format", "wide"), tmp,
                Map.of("T_DIR", "/data")).path());
        assertTrue(assertThrows(TraceException.class, () -> TraceSpec.of(params("path", "${NOPE}/b", "format", "wide"),
                tmp, Map.of())).getMessage().contains("NOPE is not set"));
    }

    @Test
    void numbersParseFromBytesAsJavaWouldForShortDecimals() throws Exception {
        Files.writeString(tmp.resolve("num.txt"), "0 5.1209999999999996\n1 +2.5e3\n2 12345678901234567890\n3 .5\n");
        TraceSet t = TraceLoader.load(TraceSpec.of(params("path", "num.txt", "series_column", "0", "value_column", "1",
                "header", "false", "value_unit", "bytes"), tmp, Map.of()), 4);
        assertEquals(5.121, t.series().get(0).values()[0], 1e-12);
        assertEquals(2500, t.series().get(1).values()[0]);
        assertEquals(1.2345678901234567e19, t.series().get(2).values()[0], 1e5);
        assertEquals(0.5, t.series().get(3).values()[0]);
    }
}
