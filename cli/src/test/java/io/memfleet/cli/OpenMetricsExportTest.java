package io.memfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.report.SeriesTable;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenMetrics text of a results directory's series, written without files. */
class OpenMetricsExportTest {
    private static final String ZEROS_12 = ",0".repeat(12);
    private static final String SERIES = SeriesCsv.HEADER + "\n"
            + "0.5,/,2" + ",0".repeat(31) + "\n"
            + "0.5,/batch,2,100,150,200,200,300,0,0,0,0,0,0,0,0,0,0,1,0,0,0" + ZEROS_12 + "\n"
            + "1,/,2" + ",0".repeat(31) + "\n"
            + "1,/batch,2,110,160,210,210,320,0,0,0,0,0,1,1,2,2,3,4,1,0,0" + ZEROS_12 + "\n";
    private static final String SLABS = SeriesCsv.SLAB_HEADER + "\n0.5,dentry,4,3,1,100,8192\n1,dentry,4,2,2,90,4096\n";

    private static String export(String series, String slabs, String start) throws Exception {
        StringBuilder sb = new StringBuilder();
        OpenMetricsExport.write(sb, "qs-1", SeriesTable.parse(series, "series.csv", false),
                SeriesTable.parse(slabs, "slabs.csv", true), new BigDecimal(start));
        return sb.toString();
    }

    @Test
    void gaugesCarryTheStatAndTheSimulatedTimeOnTheStart() throws Exception {
        String om = export(SERIES, SLABS, "1700000000");
        assertTrue(om.startsWith(OpenMetricsExport.SIGNATURE), om);
        assertTrue(om.contains("# TYPE memfleet_fleet_memory_usage_bytes gauge\n"), om);
        assertTrue(om.contains("memfleet_fleet_memory_usage_bytes{experiment=\"qs-1\",cgroup=\"/batch\",stat=\"max\"} "
                + "200 1700000000.5\n"), om);
        assertTrue(om.contains("memfleet_fleet_memory_usage_bytes{experiment=\"qs-1\",cgroup=\"/batch\",stat=\"max\"} "
                + "210 1700000001\n"), om);
        assertTrue(om.contains("memfleet_fleet_slab_bytes{experiment=\"qs-1\",slab=\"dentry\"} 4096 1700000001\n"), om);
        assertTrue(om.contains("memfleet_fleet_slab_caches{experiment=\"qs-1\",cgroup=\"/batch\",state=\"dead\"} 0 "), om);
        assertTrue(om.endsWith("# EOF\n"), om);
    }

    @Test
    void countersAreRunningTotalsEndingInTotalAndStartFromZeroAtSimulatedTimeZero() throws Exception {
        String om = export(SERIES, SLABS, "1700000000.25");
        assertTrue(om.contains("# TYPE memfleet_fleet_oom_kills counter\n"), om);
        List<String> oom = om.lines().filter(l -> l.startsWith("memfleet_fleet_oom_kills_total{experiment=\"qs-1\","
                + "cgroup=\"/batch\"}")).toList();
        assertEquals(List.of(
                "memfleet_fleet_oom_kills_total{experiment=\"qs-1\",cgroup=\"/batch\"} 0 1700000000.25",
                "memfleet_fleet_oom_kills_total{experiment=\"qs-1\",cgroup=\"/batch\"} 1 1700000000.75",
                "memfleet_fleet_oom_kills_total{experiment=\"qs-1\",cgroup=\"/batch\"} 5 1700000001.25"), oom);
    }

    @Test
    void eachFamilyIsWrittenWholeOnce() throws Exception {
        String om = export(SERIES, SLABS, "0");
        List<String> types = om.lines().filter(l -> l.startsWith("# TYPE ")).toList();
        assertEquals(types.size(), types.stream().distinct().count(), om);
        String family = null;
        for (String l : om.lines().toList()) {
            if (l.startsWith("# TYPE ")) {
                family = l.split(" ")[2];
            } else if (!l.startsWith("#")) {
                assertTrue(l.startsWith(family), "a sample of " + family + " expected: " + l);
            }
        }
    }

    @Test
    void nodeTotalsComeFromTheRootRowsWithoutACgroup() throws Exception {
        String om = export(SERIES, SLABS, "0");
        assertTrue(om.contains("memfleet_fleet_css_ids{experiment=\"qs-1\",stat=\"max\"} 0 0.5\n"), om);
        assertFalse(om.contains("memfleet_fleet_css_ids{experiment=\"qs-1\",cgroup"), om);
    }

    @Test
    void rolloutSplitsAndOddLabelValuesAreLabelledAndEscaped() throws Exception {
        String series = SeriesCsv.HEADER + SeriesCsv.SPLIT_HEADER + "\n"
                + "1,\"/a\"\"b\",1" + ",0".repeat(31) + ",r1,changed\n";
        String om = export(series, SeriesCsv.SLAB_HEADER + "\n", "0");
        assertTrue(om.contains("memfleet_fleet_memory_usage_bytes{experiment=\"qs-1\",cgroup=\"/a\\\"b\",rollout=\"r1\","
                + "group=\"changed\",stat=\"min\"} 0 1\n"), om);
    }

    @Test
    void timestampsKeepMilliseconds() throws Exception {
        assertEquals("1.001", OpenMetricsExport.timestamp(new BigDecimal("1"), 0.001));
        assertEquals("1700000000", OpenMetricsExport.timestamp(new BigDecimal("1699999990.000"), 10));
        assertEquals(1.5, OpenMetricsExport.lastSeconds(SeriesTable.parse(SERIES.replace("\n1,", "\n1.5,"), "s", false),
                SeriesTable.parse(SLABS, "l", true)));
    }
}
