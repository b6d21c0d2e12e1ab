package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.Launcher;
import io.memfleet.it.testing.TraceRuns;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace as real ones come (a byte order mark, CRLF line ends, quoted headers, a tiny negative,
 * empty and NaN values, a fraction above 1, duplicate and unsorted times) replayed on an embedded
 * fleet: the run starts, says what it repaired, keeps it in run.json and the report, and every node
 * ends where its series ends. With {@code on_bad_rows: fail} the same file is refused at its line.
 */
@Timeout(300)
class NoisyTraceIT {
    private static final int NODES = 6;
    private static final int ROWS = 120;
    private static final long LIMIT = 512L << 20;
    /** Usage may run ahead of the pages charged by a charge batch (32 pages) and round to pages. */
    private static final double SLACK = 32 * 4096 + 8192;

    @TempDir
    Path tmp;

    private static double clean(int pod, int row) {
        return 0.1 + 0.1 * pod + 0.05 * Math.sin(row / 10.0 + pod);
    }

    /** The trace, its noise at fixed places; returns the line of the tiny negative. */
    private static int writeTrace(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("\uFEFF\"timestamp\",\"container_ip\",\"value\"\r\n");
        int line = 1;
        int negative = 0;
        for (int row = 0; row < ROWS; row++) {
            long t = 1_700_000_000L + row * 60L;
            for (int pod = 0; pod < NODES; pod++) {
                String ip = "10.0.0." + (pod + 1);
                if (row == 40 && pod == 0) {
                    sb.append(t).append(',').append(ip).append(",-1.17e-05\r\n");
                    negative = ++line;
                    continue;
                }
                if (row == 50 && pod == 1) {
                    sb.append(t).append(',').append(ip).append(",\r\n").append(t).append(',').append(ip).append(",NaN\r\n");
                    line += 2;
                }
                if (row == 60 && pod == 2) {
                    sb.append(t).append(',').append(ip).append(",1.3\r\n"); // then the same time again: the last kept
                    line++;
                }
                if (row == 70 && pod == 3) { // the next row first: out of order, sorted back
                    sb.append(t + 60).append(',').append(ip).append(',').append(v(clean(pod, row + 1))).append("\r\n");
                    line++;
                }
                if (row == 71 && pod == 3) {
                    continue; // written a row early
                }
                sb.append(t).append(',').append(ip).append(',').append(v(clean(pod, row))).append("\r\n");
                line++;
            }
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        return negative;
    }

    private static String v(double d) {
        return String.format(Locale.ROOT, "%.6f", d);
    }

    private Path experiment(String onBadRows) throws IOException {
        return Files.writeString(tmp.resolve("noisy-" + onBadRows + ".yaml"), TraceRuns.experiment("noisy", 9, NODES,
                ", limit: 512M", "path: pods.csv, format: long, series_column: container_ip, time_column: timestamp, "
                        + "value_column: value, on_bad_rows: " + onBadRows));
    }

    @Test
    void aNoisyTraceIsCleanedReportedAndReplayed() throws Exception {
        int negativeLine = writeTrace(tmp.resolve("pods.csv"));
        Path out = tmp.resolve("out");
        Launcher.Outcome o = Launcher.ok("run", experiment("clean").toString(), "--out", out.toString());
        String printed = "workloads[0]: pods.csv: 1 negative value clamped to 0 (first at line " + negativeLine + ")";
        assertTrue(o.out().contains("[run] trace repaired: " + printed), o.out());
        assertTrue(o.out().contains("1 empty value skipped") && o.out().contains("1 value that is not a number skipped")
                && o.out().contains("1 value above the maximum clamped to the maximum")
                && o.out().contains("1 duplicate time in a series the last row kept")
                && o.out().contains("1 row out of time order its series sorted"), o.out());
        JsonArray repairs = new JsonObject(Files.readString(out.resolve("run.json"))).getJsonArray("trace_repairs");
        assertEquals(6, repairs.size(), repairs.encodePrettily());
        assertEquals(negativeLine, repairs.getJsonObject(0).getInteger("first_line"));
        assertTrue(Files.readString(out.resolve("report.html")).contains(printed), "in the report's header");
        for (int i = 0; i < NODES; i++) {
            double want = clean(i, ROWS - 1) * LIMIT;
            long got = TraceRuns.usageAtEnd(out, "noisy", i);
            assertEquals(want, got, SLACK, "node " + i + " ends where its series ends");
        }

        Launcher.Outcome refused = Launcher.memfleet("run", experiment("fail").toString(), "--out",
                tmp.resolve("never").toString());
        assertEquals(2, refused.status(), refused.out() + refused.err());
        assertTrue(refused.err().contains("field 'workloads[0].params.value_column'") && refused.err().contains(
                "pods.csv:" + negativeLine + ": a negative demand: '-1.17e-05'"), refused.err());
    }
}
