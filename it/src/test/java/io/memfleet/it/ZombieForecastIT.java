package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.Launcher;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zombie forecast end to end on an embedded fleet: two simulated days of job churn on a few
 * nodes under 3.3's default and under kmem-pins-memcg. Dying groups and css ids reach series.csv's
 * root rows and summary.json, and report.html's forecast agrees with the series it was made from.
 */
@Timeout(300)
class ZombieForecastIT {
    private static final double DAY = 86_400;

    @TempDir
    Path tmp;

    /** The root rows of a series.csv: per time, the named columns. */
    private static List<long[]> rootRows(Path csv, String... columns) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        List<long[]> out = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            if (f[1].equals("/")) {
                long[] v = new long[columns.length + 1];
                v[0] = Long.parseLong(f[0]);
                for (int i = 0; i < columns.length; i++) {
                    int at = header.indexOf(columns[i]);
                    assertTrue(at > 0, "series.csv has " + columns[i] + ": " + header);
                    v[i + 1] = Long.parseLong(f[at]);
                }
                out.add(v);
            }
        }
        return out;
    }

    private static double number(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        assertTrue(m.find(), regex + " in\n" + html);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void dyingGroupsPileUpUnderKmemPinsMemcgAndTheForecastFollowsTheSeries() throws Exception {
        String file = Files.readString(Launcher.example("zombie-forecast.yaml")).replace("nodes: 1000", "nodes: 3")
                .replace("duration: 30d", "duration: 2d");
        file = file.substring(0, file.indexOf("\nvariants:") + 1) + "variants:\n  - {name: kmem-pins-memcg, kernel: kmem-pins-memcg}\n";
        Path out = tmp.resolve("zf");
        Launcher.ok("run", Files.writeString(tmp.resolve("zf.yaml"), file).toString(), "--out", out.toString(), "-q");

        List<long[]> base = rootRows(out.resolve("base/series.csv"), "dying_memcgs_max", "css_ids_max", "pinned_kmem_bytes_max");
        List<long[]> pins = rootRows(out.resolve("kmem-pins-memcg/series.csv"), "dying_memcgs_max", "css_ids_p50",
                "css_ids_max", "pinned_kmem_bytes_max");
        assertEquals(8, pins.size(), "a root row every 6 h of 2 days");
        long[] lastBase = base.get(base.size() - 1);
        long[] last = pins.get(pins.size() - 1);
        assertEquals(0, lastBase[1], "3.3 unaccounts kmem at rmdir and the nodes have no swap: nothing holds a group");
        assertTrue(lastBase[2] < 10, "css ids stay at the live groups: " + lastBase[2]);
        assertTrue(lastBase[3] > 0, "the dead caches still pin slab pages");
        assertTrue(last[1] > 40, "a job every hour for 2 days, each left dying: " + last[1]);
        assertTrue(last[3] >= last[1] + 2, "css ids count the root, /jobs and every dying group");
        for (int i = 1; i < pins.size(); i++) {
            assertTrue(pins.get(i)[3] > pins.get(i - 1)[3], "css ids grow at every sample");
        }
        String jobs = Files.readAllLines(out.resolve("kmem-pins-memcg/series.csv")).stream()
                .filter(l -> l.startsWith(last[0] + ",/jobs,")).findFirst().orElseThrow();
        assertTrue(!jobs.split(",")[23].equals("0"), "the dying groups are /jobs' former children: " + jobs);

        JsonObject summary = new JsonObject(Files.readString(out.resolve("kmem-pins-memcg/summary.json")));
        assertEquals(last[3], summary.getJsonObject("dying").getJsonObject("css_ids").getLong("max"), summary.encode());

        // the forecast: growth over the later half (day 1 on) and the day the busiest node would reach 65,535
        String html = Files.readString(out.resolve("kmem-pins-memcg/report.html"));
        double median = number(html, "css ids in use grow by ([0-9.]+) a day on the median node");
        long[] mid = pins.stream().filter(r -> r[0] >= DAY).findFirst().orElseThrow();
        double slope = (last[2] - mid[2]) / ((last[0] - mid[0]) / DAY);
        assertEquals(slope, median, slope * 0.1, "about the series' own slope over its later half");
        double firstDay = number(html, "First node at 65,535 css ids: about day ([0-9.]+) \\(extrapolated");
        double perDayMax = number(html, "a day on the median node and ([0-9.]+) a day on the node with the most");
        assertEquals(last[0] / DAY + (65_535 - last[3]) / perDayMax, firstDay, 2.0, html);
        assertTrue(html.contains("Median node at 65,535 css ids: about day "), "extrapolated too");
        String baseHtml = Files.readString(out.resolve("base/report.html"));
        assertTrue(baseHtml.contains("First node at 65,535 css ids: never"), "no growth under 3.3 without swap");
        String compare = Files.readString(out.resolve("compare.html"));
        assertTrue(compare.contains("Zombie forecast per run") && compare.contains("<td>kmem-pins-memcg</td>"), compare);
    }
}
