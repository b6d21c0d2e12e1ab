package io.memfleet.controller.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.KernelEvent;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.OomKill;
import io.memfleet.proto.v1.SlabCacheSample;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

public class PrometheusTextTest {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? -?[0-9]+(\\.[0-9]+)?");

    static NodeTelemetry node(String id, long seq, long usage, String path) {
        return NodeTelemetry.newBuilder().setNodeId(id).setSeq(seq)
                .addCgroups(CgroupSample.newBuilder().setPath(path).setUsageInBytes(usage).setFailcnt(seq)
                        .setLimitInBytes(Long.MAX_VALUE).setStat(io.memfleet.proto.v1.MemoryStat.newBuilder().setRss(usage)))
                .addCaches(SlabCacheSample.newBuilder().setName("dentry(2:web)").setMemcgPath(path).setNumObjs(20)
                        .setActiveObjs(20).setNumSlabs(1).setPagesperslab(1))
                .addEvents(KernelEvent.newBuilder().setOomKill(OomKill.newBuilder().setPid(1).setMemcgPath(path)))
                .build();
    }

    /** Checks every line against the text exposition format: HELP/TYPE before samples, valid names. */
    public static void assertExpositionFormat(String text) {
        Set<String> typed = new HashSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ", 4);
                assertTrue(NAME.matcher(parts[2]).matches(), line);
                if (line.startsWith("# TYPE ")) {
                    assertTrue(Set.of("gauge", "counter").contains(parts[3]), line);
                    assertTrue(typed.add(parts[2]), "TYPE given twice: " + line);
                }
                continue;
            }
            var m = SAMPLE.matcher(line);
            if (!m.matches()) {
                fail("not a sample line: " + line);
            }
            assertTrue(typed.contains(m.group(1)), "sample before its TYPE: " + line);
        }
    }

    @Test
    void metricsAreValidExpositionTextWithEscapedLabels() {
        FleetState f = new FleetState();
        f.onTelemetry(node("a", 1, 100, "/web"));
        f.onTelemetry(node("b\"x", 1, 300, "/we\\b"));
        String text = PrometheusText.render(f, java.util.List.of(), 1000, 64);
        assertExpositionFormat(text);
        assertTrue(text.contains("memfleet_memory_usage_bytes{node=\"b\\\"x\",cgroup=\"/we\\\\b\"} 300"), text);
        assertTrue(text.contains("memfleet_fleet_memory_usage_bytes{experiment=\"\",cgroup=\"/web\",stat=\"max\"} 100"));
        assertTrue(text.contains("memfleet_oom_events_total{node=\"a\",cgroup=\"/web\"} 1"));
    }

    @Test
    void perNodeSeriesAreBoundedButAggregatesCoverEveryNode() {
        FleetState f = new FleetState();
        for (int i = 0; i < 10; i++) {
            f.onTelemetry(node("n" + i, 1, 1000 + i, "/web"));
        }
        String text = PrometheusText.render(f, java.util.List.of(), 3, 64);
        assertEquals(3, text.lines().filter(l -> l.startsWith("memfleet_memory_usage_bytes{")).count());
        assertTrue(text.contains("memfleet_fleet_memory_usage_bytes{experiment=\"\",cgroup=\"/web\",stat=\"sum\"} 10045"), text);
        assertTrue(text.contains("memfleet_fleet_nodes 10"));
    }

    @Test
    void aRedeliveredSampleIsNotCountedTwice() {
        FleetState f = new FleetState();
        f.onTelemetry(node("a", 2, 100, "/web"));
        f.onTelemetry(node("a", 2, 100, "/web"));
        f.onTelemetry(node("a", 1, 50, "/web"));
        assertEquals(1, f.cgroupAggregates().stream().filter(a -> a.path().equals("/web")).findFirst().orElseThrow().oomKills());
        assertEquals(100, f.nodes().get("a").getCgroups(0).getUsageInBytes());
        assertEquals(2, f.duplicateRecords());
    }

    @Test
    void percentilesUseNearestRank() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i;
        }
        Stats s = Stats.of(v);
        assertEquals(1, s.min());
        assertEquals(50, s.p50());
        assertEquals(99, s.p99());
        assertEquals(100, s.max());
        assertEquals(5050, s.sum());
    }
}
