package io.memfleet.bench;

import io.memfleet.workload.trace.TraceSet;
import io.memfleet.workload.trace.TraceSpec;
import io.memfleet.workload.trace.TraceStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A trace of about the given size in one format's shape (written under a temporary directory,
 * deleted afterwards), loaded once as the trace workloads do with {@code keep} series kept: rows
 * per second and the heap's peak while loading (run it with a small -Xmx to show that memory stays
 * bounded whatever the file's size). Formats: long, google-2011-task-usage,
 * alibaba-2018-container-usage, bitbrains (1,000 files), azure-functions-2019 (a day a file).
 * Usage: TraceFormatHarness FORMAT [megabytes] [keep] (default: 1024 200).
 */
public final class TraceFormatHarness {
    private static final SplittableRandom RND = new SplittableRandom(7);

    private TraceFormatHarness() {
    }

    public static void main(String[] args) throws Exception {
        String format = args.length > 0 ? args[0] : "long";
        long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
        int keep = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Path dir = Files.createTempDirectory("memfleet-trace-format");
        try {
            Path path = write(format, dir, bytes);
            long size;
            try (Stream<Path> s = Files.walk(path)) {
                size = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            Map<String, String> params = format.equals("long") ? Map.of("path", path.toString(), "series_column",
                    "container_ip", "time_column", "timestamp", "value_column", "value")
                    : Map.of("path", path.toString(), "format", format);
            TraceSpec spec = TraceSpec.of(params, dir, Map.of(), format.equals("azure-functions-2019"));
            System.gc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            long t0 = System.nanoTime();
            TraceSet set = TraceStore.load(spec, keep);
            double s = (System.nanoTime() - t0) / 1e9;
            long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            System.out.printf("%s: %.0f MB, %d rows, %d series (%d kept), %.1f s: %.2f M rows/s, %.0f MB/s; peak heap "
                    + "%.0f MB (max %d MB); %d kinds of repair%n", format, size / 1048576.0, set.rows(), set.count(),
                    set.series().size(), s, set.rows() / s / 1e6, size / 1048576.0 / s, peak / 1048576.0,
                    Runtime.getRuntime().maxMemory() >> 20, set.repairs().size());
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Writes the trace; returns the path the spec names (a file or a directory). */
    private static Path write(String format, Path dir, long bytes) throws IOException {
        return switch (format) {
            case "long" -> rows(dir.resolve("pods.csv"), bytes, "timestamp,container_ip,value\n", TraceFormatHarness::longRow);
            case "google-2011-task-usage" -> rows(dir.resolve("part-00000-of-00500.csv"), bytes, "",
                    TraceFormatHarness::googleRow);
            case "alibaba-2018-container-usage" -> rows(dir.resolve("container_usage.csv"), bytes, "",
                    TraceFormatHarness::alibabaRow);
            case "bitbrains" -> bitbrains(dir.resolve("fastStorage"), bytes);
            case "azure-functions-2019" -> azure(dir.resolve("invocations"), bytes);
            default -> throw new IllegalArgumentException("unknown format " + format);
        };
    }

    /** A row of a format: {@code r} is the row's number in the file. */
    private interface Row {
        void write(StringBuilder sb, long r);
    }

    private static Path rows(Path file, long bytes, String header, Row row) throws IOException {
        StringBuilder sb = new StringBuilder(1 << 16);
        long written = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            w.write(header);
            for (long r = 0; written < bytes; r++) {
                row.write(sb, r);
                if (sb.length() > 60_000) {
                    written += sb.length();
                    w.append(sb);
                    sb.setLength(0);
                }
            }
            w.append(sb);
        }
        return file;
    }

    private static void fraction(StringBuilder sb, int digits) {
        sb.append("0.");
        for (int i = 0; i < digits; i++) {
            sb.append((char) ('0' + RND.nextInt(10)));
        }
    }

    /** 10,000 series, a sample of each every 300 s. */
    private static void longRow(StringBuilder sb, long r) {
        sb.append(1_600_000_000L + r / 10_000 * 300).append(",10.1.").append(r % 10_000 / 250).append('.')
                .append(r % 250).append(',');
        fraction(sb, 4);
        sb.append('\n');
    }

    /** task_usage: 10,000 tasks of 1,000 jobs, a 300 s measurement each, times in microseconds. */
    private static void googleRow(StringBuilder sb, long r) {
        long start = 600_000_000L + r / 10_000 * 300_000_000L;
        sb.append(start).append(',').append(start + 300_000_000L).append(',').append(6_000_000_000L + r % 10_000 / 10)
                .append(',').append(r % 10).append(',').append(4_000_000_000L + r % 977).append(',');
        for (int c = 0; c < 7; c++) {
            fraction(sb, 5);
            sb.append(',');
        }
        sb.append(",,,,,1,0,");
        fraction(sb, 6);
        sb.append('\n');
    }

    /** container_usage: 20,000 containers, a sample of each every 10 s, some metrics missing. */
    private static void alibabaRow(StringBuilder sb, long r) {
        sb.append("c_").append(r % 20_000 + 1).append(",m_").append(r % 4_000 + 1).append(',')
                .append(r / 20_000 * 10).append(',').append(RND.nextInt(100)).append(',').append(RND.nextInt(101))
                .append(r % 7 == 0 ? ",,,,,," : ",1.28,2.03,1,1.24,1.04,3").append('\n');
    }

    /** 1,000 VMs, a file each, a sample every 300 s in seconds (as the published files have them). */
    private static Path bitbrains(Path dir, long bytes) throws IOException {
        Files.createDirectories(dir);
        long perFile = bytes / 1000;
        for (int vm = 1; vm <= 1000; vm++) {
            rows(dir.resolve(vm + ".csv"), perFile, "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\t"
                    + "CPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read "
                    + "throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork "
                    + "transmitted throughput [KB/s]\n", (sb, r) -> sb.append(1_376_314_846L + r * 300).append(";\t4;\t")
                    .append("11703.99;\t").append(RND.nextInt(11_000)).append(".02;\t93.23;\t67108864;\t")
                    .append(RND.nextInt(67_108_864)).append(".13;\t0;\t7.07;\t0;\t0\n"));
        }
        return dir;
    }

    /** A file a day of 1440 per-minute invocation counts per function, mostly zeros and small counts. */
    private static Path azure(Path dir, long bytes) throws IOException {
        Files.createDirectories(dir);
        StringBuilder header = new StringBuilder("HashOwner,HashApp,HashFunction,Trigger");
        for (int m = 1; m <= 1440; m++) {
            header.append(',').append(m);
        }
        long perDay = bytes / 4;
        for (int day = 1; day <= 4; day++) {
            rows(dir.resolve(String.format("invocations_per_function_md.anon.d%02d.csv", day)), perDay,
                    header + "\n", (sb, r) -> {
                        sb.append("owner").append(r % 977).append(",app").append(r % 4999).append(",fn").append(r)
                                .append(",http");
                        for (int m = 0; m < 1440; m++) {
                            int c = RND.nextInt(16);
                            sb.append(',').append(c < 12 ? 0 : c * 3);
                        }
                        sb.append('\n');
                    });
        }
        return dir;
    }
}
