package io.memfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memfleet.proto.v1.SeriesPoint;
import io.memfleet.proto.v1.StatSummary;
import io.memfleet.report.SeriesTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** series.csv and slabs.csv as the run writes them and the report reads them back. */
class SeriesCsvTest {
    /** A name with every character RFC 4180 has to quote: a comma, a double quote and a line break. */
    private static final String ODD = "/odd,\"name\"\nline 2";

    @TempDir
    Path tmp;

    private static SeriesPoint cgroupPoint(String cgroup, String rollout, String group) {
        StatSummary usage = StatSummary.newBuilder().setMin(1).setP50(2).setP99(3).setMax(4).setSum(10).build();
        return SeriesPoint.newBuilder().setSimTimeNs(1_500_000_000L).setCgroup(cgroup).setNodes(3)
                .setUsageInBytes(usage).setOomKills(1).setRollout(rollout).setGroup(group).build();
    }

    private static SeriesPoint slabPoint(String slab) {
        return SeriesPoint.newBuilder().setSimTimeNs(2_000_000_000L).setSlab(slab).setSlabCaches(4)
                .setLiveCaches(3).setDeadCaches(1).setSlabActiveObjs(100).setSlabPageBytes(8192).build();
    }

    @Test
    void ordinaryValuesAreWrittenBare() throws Exception {
        Path series = tmp.resolve("series.csv");
        Path slabs = tmp.resolve("slabs.csv");
        List<SeriesPoint> points = List.of(cgroupPoint("/web", "", ""), slabPoint("kmalloc-64"));
        SeriesCsv.write(series, points);
        SeriesCsv.writeSlabs(slabs, points);
        assertEquals(SeriesCsv.HEADER + "\n1.5,/web,3,1,2,3,4,10" + ",0".repeat(10) + ",1" + ",0".repeat(15) + "\n",
                Files.readString(series, StandardCharsets.UTF_8));
        assertEquals(SeriesCsv.SLAB_HEADER + "\n2,kmalloc-64,4,3,1,100,8192\n", Files.readString(slabs, StandardCharsets.UTF_8));
    }

    @Test
    void aNameWithACommaAQuoteAndALineBreakReadsBackAsWritten() throws Exception {
        Path series = tmp.resolve("series.csv");
        Path slabs = tmp.resolve("slabs.csv");
        List<SeriesPoint> points = List.of(cgroupPoint(ODD, ODD, "changed"), cgroupPoint("/web", "", ""), slabPoint(ODD));
        SeriesCsv.write(series, points);
        SeriesCsv.writeSlabs(slabs, points);

        SeriesTable read = SeriesTable.parse(Files.readString(series, StandardCharsets.UTF_8), "series.csv", false);
        assertEquals(2, read.rows());
        assertEquals(ODD, read.cgroup(0));
        assertEquals(ODD, read.rollout(0));
        assertEquals("changed", read.group(0));
        assertEquals(4, read.value(0, "usage_max"));
        assertEquals("/web", read.cgroup(1));
        assertEquals("all", read.group(1));
        assertEquals(1.5, read.time(1));

        SeriesTable slabsRead = SeriesTable.parse(Files.readString(slabs, StandardCharsets.UTF_8), "slabs.csv", true);
        assertEquals(1, slabsRead.rows());
        assertEquals(ODD, slabsRead.cgroup(0));
        assertEquals(8192, slabsRead.value(0, "bytes"));
    }
}
