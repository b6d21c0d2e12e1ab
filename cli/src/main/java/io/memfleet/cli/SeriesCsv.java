package io.memfleet.cli;

import io.memfleet.proto.v1.SeriesPoint;
import io.memfleet.proto.v1.StatSummary;
import io.memfleet.report.Csv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVPrinter;

/**
 * {@code series.csv}: an experiment's time series, one row per (simulated time, cgroup), RFC 4180
 * CSV with a header row (DuckDB, pandas and spreadsheets read it as it is). Byte-identical for
 * the same experiment however it ran.
 */
final class SeriesCsv {
    static final String HEADER = "sim_seconds,cgroup,nodes,"
            + stats("usage") + "," + stats("kmem") + "," + stats("failcnt")
            + ",oom_kills,alloc_failures,live_caches,dead_caches"
            + ",dying_p50,dying_max,dying_sum"
            + ",dying_memcgs_p50,dying_memcgs_p99,dying_memcgs_max,css_ids_p50,css_ids_p99,css_ids_max"
            + ",pinned_kmem_bytes_p50,pinned_kmem_bytes_max,mkdir_enospc";

    private SeriesCsv() {
    }

    private static String stats(String m) {
        return m + "_min," + m + "_p50," + m + "_p99," + m + "_max," + m + "_sum";
    }

    /** The header of {@code slabs.csv}: one row per (simulated time, root slab cache). */
    static final String SLAB_HEADER = "sim_seconds,slab,caches,live_caches,dead_caches,active_objs,bytes";

    /** {@code slabs.csv}: the slab points of the series (per root cache over the fleet). */
    static void writeSlabs(Path file, List<SeriesPoint> points) throws IOException {
        try (CSVPrinter out = Csv.printer(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            out.printRecord((Object[]) SLAB_HEADER.split(","));
            for (SeriesPoint p : points) {
                if (!p.getSlab().isEmpty()) {
                    out.printRecord(seconds(p.getSimTimeNs()), p.getSlab(), p.getSlabCaches(), p.getLiveCaches(),
                            p.getDeadCaches(), p.getSlabActiveObjs(), p.getSlabPageBytes());
                }
            }
        }
    }

    /** The columns a series with rollouts adds: the rollout a row is split by, and its group of nodes. */
    static final String SPLIT_HEADER = ",rollout,group";

    static void write(Path file, List<SeriesPoint> points) throws IOException {
        boolean split = points.stream().anyMatch(p -> !p.getGroup().isEmpty());
        try (CSVPrinter out = Csv.printer(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            out.printRecord((Object[]) (split ? HEADER + SPLIT_HEADER : HEADER).split(","));
            for (SeriesPoint p : points) {
                if (!p.getSlab().isEmpty()) {
                    continue; // in slabs.csv
                }
                out.print(seconds(p.getSimTimeNs()));
                out.print(p.getCgroup());
                out.print(p.getNodes());
                print(out, p.getUsageInBytes());
                print(out, p.getKmemUsageInBytes());
                print(out, p.getFailcnt());
                out.print(p.getOomKills());
                out.print(p.getAllocFailures());
                out.print(p.getLiveCaches());
                out.print(p.getDeadCaches());
                printDying(out, p);
                if (split) {
                    out.print(p.getRollout());
                    out.print(p.getGroup().isEmpty() ? "all" : p.getGroup());
                }
                out.println();
            }
        }
    }

    /** The dying groups under the row's cgroup, and on the root's rows the node totals (0 elsewhere). */
    private static void printDying(CSVPrinter out, SeriesPoint p) throws IOException {
        StatSummary d = p.getDying();
        StatSummary m = p.getDyingMemcgs();
        StatSummary c = p.getCssIds();
        for (long v : new long[] {d.getP50(), d.getMax(), d.getSum(), m.getP50(), m.getP99(), m.getMax(),
                c.getP50(), c.getP99(), c.getMax(), p.getPinnedKmemBytes().getP50(),
                p.getPinnedKmemBytes().getMax(), p.getMkdirEnospc()}) {
            out.print(v);
        }
    }

    /** A statistic's min, p50, p99, max and sum, as unsigned numbers. */
    private static void print(CSVPrinter out, StatSummary s) throws IOException {
        for (long v : new long[] {s.getMin(), s.getP50(), s.getP99(), s.getMax(), s.getSum()}) {
            out.print(Long.toUnsignedString(v));
        }
    }

    /** Seconds with up to nine decimals, no trailing zeros: 1, 1.5, 0.000000001. */
    static String seconds(long ns) {
        return java.math.BigDecimal.valueOf(ns, 9).stripTrailingZeros().toPlainString();
    }
}
