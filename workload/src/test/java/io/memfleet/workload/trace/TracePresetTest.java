package io.memfleet.workload.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each preset on a small file written here in its dataset's documented shape. */
class TracePresetTest {
    @TempDir
    Path tmp;

    private TraceSpec spec(String path, String format, boolean counts, String... kv) throws TraceException {
        Map<String, String> p = new HashMap<>(Map.of("path", path, "format", format));
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return TraceSpec.of(p, tmp, Map.of(), counts);
    }

    @Test
    void googleTaskUsageIsATaskPerSeriesInMicrosecondsNormalisedToTheLargestMachine() throws Exception {
        // start time, end time, job ID, task index, machine ID, CPU rate, canonical memory usage, assigned, ...
        Files.writeString(tmp.resolve("part-00000-of-00500.csv"), """
                600000000,900000000,3418309,0,4155527081,0.001562,0.06787,0.07568,0.001156,0.001503,0.06787,,,,,,,1,0,
                600000000,900000000,3418309,1,329150663,0.001568,0.06787,0.07556,0.0008144,0.0009365,0.06799,,,,,,,1,0,
                900000000,1200000000,3418309,0,4155527081,0.0015,0.0712,0.07568,0.001156,0.001503,0.0713,,,,,,,1,0,
                """);
        TraceSpec s = spec("part-00000-of-00500.csv", "google-2011-task-usage", false);
        assertEquals(TraceSpec.Of.NODE, s.of());
        assertEquals(TraceSpec.Unit.FRACTION, s.unit());
        TraceSet t = TraceLoader.load(s, 10);
        assertEquals(2, t.count());
        assertEquals("3418309/0", t.series().get(0).name());
        assertArrayEquals(new double[] {0, 300}, t.series().get(0).times(), 1e-9);
        assertArrayEquals(new double[] {0.06787, 0.0712}, t.series().get(0).values(), 1e-12);
        assertTrue(t.repairs().isEmpty(), t.repairs().toString());
    }

    @Test
    void alibabaContainerUsageIsAContainerPerSeriesInPercentOfItsMemory() throws Exception {
        // container_id, machine_id, time_stamp, cpu_util_percent, mem_util_percent, cpi, mem_gps, mpki, net_in, ...
        Files.writeString(tmp.resolve("container_usage.csv"), """
                c_1,m_1932,386640,41,92,,,,,,
                c_1,m_1932,386670,40,93,1.28,2.03,1,1.24,1.04,3
                c_2,m_2310,386650,8,,,,,,,
                c_2,m_2310,386640,9,101,1.1,0.5,2,0.2,0.2,1
                """);
        TraceSpec s = spec("container_usage.csv", "alibaba-2018-container-usage", false);
        assertEquals(TraceSpec.Unit.PERCENT, s.unit());
        assertEquals(TraceSpec.Of.LIMIT, s.of());
        TraceSet t = TraceLoader.load(s, 10);
        assertEquals(List.of("c_1", "c_2"), t.series().stream().map(TraceSet.Series::name).toList());
        assertArrayEquals(new double[] {0, 30}, t.series().get(0).times());
        assertArrayEquals(new double[] {92, 93}, t.series().get(0).values());
        assertArrayEquals(new double[] {100}, t.series().get(1).values(), "a missing metric skipped, 101% clamped");
        assertEquals(List.of("container_usage.csv: 1 value above the maximum clamped to the maximum (first at line 4); "
                + "1 empty value skipped (first at line 3)"), TraceRepairs.lines(t.repairs()));
    }

    @Test
    void bitbrainsIsAFilePerVmSeparatedBySemicolonAndTabInKilobytes() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("fastStorage"));
        String header = "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];"
                + "\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write "
                + "throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]\n";
        Files.writeString(dir.resolve("1.csv"), header
                + "1376314846;\t4;\t11703.99;\t10912.02;\t93.23;\t67108864;\t6129274.13;\t0;\t7.07;\t0;\t0\n"
                + "1376315146;\t4;\t11703.99;\t10890.75;\t93.05;\t67108864;\t6006962.53;\t0;\t0.4;\t0;\t0\n");
        Files.writeString(dir.resolve("2.csv"), header
                + "1376314846000;\t1;\t2925.99;\t0;\t0;\t4194304;\t1024;\t0;\t0;\t0;\t0\n");
        TraceSet t = TraceLoader.load(spec("fastStorage", "bitbrains", false), 10);
        assertEquals(2, t.count());
        assertEquals("1.csv", t.series().get(0).name());
        assertArrayEquals(new double[] {0, 300}, t.series().get(0).times(), "seconds in a column named [ms]");
        assertArrayEquals(new double[] {6129274.13 * 1024, 6006962.53 * 1024}, t.series().get(0).values(), 1e-3);
        assertArrayEquals(new double[] {0}, t.series().get(1).times(), "real milliseconds are read as such");
        assertEquals(1024 * 1024, t.series().get(1).values()[0]);
        TraceSet one = TraceLoader.load(spec("fastStorage/1.csv", "bitbrains", false), 10);
        assertEquals(1, one.count(), "a single file is one VM");
    }

    @Test
    void azureFunctionsAreAFunctionPerRowWithAMinutePerColumnAndADayPerFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("azure"));
        StringBuilder head = new StringBuilder("HashOwner,HashApp,HashFunction,Trigger");
        for (int m = 1; m <= 1440; m++) {
            head.append(',').append(m);
        }
        Files.writeString(dir.resolve("invocations_per_function_md.anon.d01.csv"), head + "\n"
                + "o1,a1,f1,http,3,0,5" + ",0".repeat(1437) + "\n" + "o1,a1,f2,timer,1" + ",1".repeat(1439) + "\n");
        Files.writeString(dir.resolve("invocations_per_function_md.anon.d02.csv"), head + "\n"
                + "o1,a1,f1,http,7" + ",0".repeat(1439) + "\n");
        TraceSpec s = spec("azure", "azure-functions-2019", true);
        TraceSet t = TraceLoader.load(s, 10);
        assertEquals(2, t.count());
        TraceSet.Series f1 = t.series().get(0);
        assertEquals("f1", f1.name());
        assertEquals(2880, f1.times().length, "two days of minutes");
        assertEquals(86_400, f1.times()[1440], 1e-9);
        assertEquals(7, f1.values()[1440]);
        assertEquals(5, f1.values()[2]);
        assertEquals(120, f1.times()[2], 1e-9);
        assertTrue(assertThrows(TraceException.class, () -> spec("azure", "azure-functions-2019", false))
                .getMessage().contains("use it with model trace-churn"));
        assertTrue(assertThrows(TraceException.class, () -> spec("azure", "bitbrains", true))
                .getMessage().contains("use it with model trace"));
    }

    @Test
    void aPresetFixesItsColumnsButTakesAnotherValueColumn() throws Exception {
        assertTrue(assertThrows(TraceException.class, () -> spec("x", "google-2011-task-usage", false, "time_column", "1"))
                .getMessage().contains("fixes the series and time columns"));
        TraceSpec max = spec("x", "google-2011-task-usage", false, "value_column", "10");
        assertEquals(10, max.shape().value().index(), "maximum memory usage instead of canonical");
        assertTrue(assertThrows(TraceException.class, () -> spec("x", "parquet", false)).getMessage()
                .contains("expected long, wide or one of google-2011-task-usage"));
    }
}
