package io.memfleet.cli;

import io.memfleet.proto.v1.SeriesPoint;
import io.memfleet.proto.v1.StatSummary;
import io.memfleet.report.Csv;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(SLAB_HEADER);
            w.write('\n');
            for (SeriesPoint p : points) {
                if (!p.getSlab().isEmpty()) {
                    w.write(seconds(p.getSimTimeNs()) + "," + Csv.quoted(p.getSlab()) + "," + p.getSlabCaches() + ","
                            + p.getLiveCaches() + "," + p.getDeadCaches() + "," + p.getSlabActiveObjs() + ","
                            + p.getSlabPageBytes() + "\n");
                }
            }
        }
    }

    /** The columns a series with rollouts adds: the rollout a row is split by, and its group of nodes. */
    static final String SPLIT_HEADER = ",rollout,group";

    static void write(Path file, List<SeriesPoint> points) throws IOException {
        boolean split = points.stream().anyMatch(p -> !p.getGroup().isEmpty());
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.write(split ? SPLIT_HEADER : "");
            w.write('\n');
            StringBuilder sb = new StringBuilder(256);
            for (SeriesPoint p : points) {
                if (!p.getSlab().isEmpty()) {
                    continue; // in slabs.csv
                }
                sb.setLength(0);
                sb.append(seconds(p.getSimTimeNs())).append(',').append(Csv.quoted(p.getCgroup())).append(',').append(p.getNodes());
                append(sb, p.getUsageInBytes());
                append(sb, p.getKmemUsageInBytes());
                append(sb, p.getFailcnt());
                sb.append(',').append(p.getOomKills()).append(',').append(p.getAllocFailures()).append(',')
                        .append(p.getLiveCaches()).append(',').append(p.getDeadCaches());
                appendDying(sb, p);
                if (split) {
                    sb.append(',').append(Csv.quoted(p.getRollout())).append(',')
                            .append(p.getGroup().isEmpty() ? "all" : p.getGroup());
                }
                w.write(sb.append('\n').toString());
            }
        }
    }

    /** The dying groups under the row's cgroup, and on the root's rows the node totals (0 elsewhere). */
    private static void appendDying(StringBuilder sb, SeriesPoint p) {
        StatSummary d = p.getDying();
        StatSummary m = p.getDyingMemcgs();
        StatSummary c = p.getCssIds();
        sb.append(',').append(d.getP50()).append(',').append(d.getMax()).append(',').append(d.getSum())
                .append(',').append(m.getP50()).append(',').append(m.getP99()).append(',').append(m.getMax())
                .append(',').append(c.getP50()).append(',').append(c.getP99()).append(',').append(c.getMax())
                .append(',').append(p.getPinnedKmemBytes().getP50()).append(',').append(p.getPinnedKmemBytes().getMax())
                .append(',').append(p.getMkdirEnospc());
    }

    private static void append(StringBuilder sb, StatSummary s) {
        sb.append(',').append(Long.toUnsignedString(s.getMin())).append(',').append(Long.toUnsignedString(s.getP50()))
                .append(',').append(Long.toUnsignedString(s.getP99())).append(',').append(Long.toUnsignedString(s.getMax()))
                .append(',').append(Long.toUnsignedString(s.getSum()));
    }

    /** Seconds with up to nine decimals, no trailing zeros: 1, 1.5, 0.000000001. */
    static String seconds(long ns) {
        return java.math.BigDecimal.valueOf(ns, 9).stripTrailingZeros().toPlainString();
    }
}
