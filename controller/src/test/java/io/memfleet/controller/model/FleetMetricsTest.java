package io.memfleet.controller.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.KernelEvent;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.OomKill;
import io.memfleet.proto.v1.SlabCacheSample;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

public class FleetMetricsTest {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? "
                    + "-?[0-9]+(\\.[0-9]+)?(E[0-9]+)?");

    static NodeTelemetry node(String id, long seq, long usage, String path) {
        return NodeTelemetry.newBuilder().setNodeId(id).setSeq(seq)
                .addCgroups(CgroupSample.newBuilder().setPath(path).setUsageInBytes(usage).setFailcnt(seq)
                        .setLimitInBytes(Long.MAX_VALUE).setStat(io.memfleet.proto.v1.MemoryStat.newBuilder().setRss(usage)))
                .addCaches(SlabCacheSample.newBuilder().setName("dentry(2:web)").setMemcgPath(path).setNumObjs(20)
                        .setActiveObjs(20).setNumSlabs(1).setPagesperslab(1))
                .addEvents(KernelEvent.newBuilder().setOomKill(OomKill.newBuilder().setPid(1).setMemcgPath(path)))
                .build();
    }

    static String text(FleetState f, FleetMetrics.Options o) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, FleetMetrics.snapshot(f, List.of(), o));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
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
            String family = m.group(1);
            assertTrue(typed.contains(family) || typed.contains(family.replaceAll("_total$", "")),
                    "sample before its TYPE: " + line);
        }
    }

    @Test
    void metricsAreValidExpositionTextWithEscapedLabels() {
        FleetState f = new FleetState();
        f.onTelemetry(node("a", 1, 100, "/web"));
        f.onTelemetry(node("b\"x", 1, 300, "/we\\b"));
        String text = text(f, new FleetMetrics.Options(1000, 64, false));
        assertExpositionFormat(text);
        assertTrue(text.contains("memfleet_memory_usage_bytes{cgroup=\"/we\\\\b\",node=\"b\\\"x\"} 300"), text);
        assertTrue(text.contains("memfleet_fleet_memory_usage_bytes{cgroup=\"/web\",experiment=\"\",stat=\"max\"} 100"), text);
        assertTrue(text.contains("memfleet_oom_events_total{cgroup=\"/web\",node=\"a\"} 1"), text);
        assertTrue(text.contains("memfleet_memory_failcnt{cgroup=\"/web\",node=\"a\"} 1"), text);
        assertFalse(text.contains("container_"), "cAdvisor names only when asked for");
    }

    @Test
    void dyingGroupsCssIdsPinnedKmemAndEnospcArePerExperiment() {
        FleetState f = new FleetState();
        f.onTelemetry(node("zf/0", 1, 100, "/").toBuilder().setDyingMemcgs(7).setCssIdsInUse(9)
                .setPinnedKmemBytes(8192).setMkdirEnospc(2).build());
        f.onTelemetry(node("zf/1", 1, 100, "/").toBuilder().setDyingMemcgs(3).setCssIdsInUse(5).setMkdirEnospc(1).build());
        String text = text(f, new FleetMetrics.Options(1000, 64, false));
        assertExpositionFormat(text);
        assertTrue(text.contains("memfleet_fleet_dying_memcgs{experiment=\"zf\",stat=\"max\"} 7"), text);
        assertTrue(text.contains("memfleet_fleet_dying_memcgs{experiment=\"zf\",stat=\"sum\"} 10"), text);
        assertTrue(text.contains("memfleet_fleet_css_ids{experiment=\"zf\",stat=\"p50\"} 5"), text);
        assertTrue(text.contains("memfleet_fleet_pinned_kmem_bytes{experiment=\"zf\",stat=\"max\"} 8192"), text);
        assertTrue(text.contains("memfleet_fleet_mkdir_enospc_total{experiment=\"zf\"} 3"), text);
    }

    @Test
    void anUnlimitedLimitIsExportedAsZeroAsCadvisorDoes() {
        FleetState f = new FleetState();
        f.onTelemetry(node("a", 1, 100, "/web"));
        f.onTelemetry(node("b", 1, 100, "/web").toBuilder().setCgroups(0, node("b", 1, 100, "/web").getCgroups(0)
                .toBuilder().setLimitInBytes(Long.MAX_VALUE & -4096L).setKmemLimitInBytes(64L << 20)).build());
        String text = text(f, new FleetMetrics.Options(1000, 64, true));
        assertTrue(text.contains("memfleet_spec_memory_limit_bytes{cgroup=\"/web\",node=\"a\"} 0.0"), text);
        assertTrue(text.contains("container_spec_memory_limit_bytes{id=\"/web\",node=\"b\"} 0.0"), text);
        assertTrue(text.contains("memfleet_spec_memory_kmem_limit_bytes{cgroup=\"/web\",node=\"b\"} 6.7108864E7"), text);
    }

    @Test
    void cadvisorNamesUseTheIdLabelForTheCgroupPath() {
        FleetState f = new FleetState();
        f.onTelemetry(node("a", 3, 4096, "/web"));
        String text = text(f, new FleetMetrics.Options(1000, 64, true));
        assertExpositionFormat(text);
        assertTrue(text.contains("container_memory_usage_bytes{id=\"/web\",node=\"a\"} 4096"), text);
        assertTrue(text.contains("container_memory_failcnt{id=\"/web\",node=\"a\"} 3"), text);
        assertTrue(text.contains("container_oom_events_total{id=\"/web\",node=\"a\"} 1"), text);
        assertTrue(text.contains("memfleet_memory_usage_bytes{cgroup=\"/web\",node=\"a\"} 4096"), text);
    }

    @Test
    void perNodeSeriesAreBoundedButAggregatesCoverEveryNode() {
        FleetState f = new FleetState();
        for (int i = 0; i < 10; i++) {
            f.onTelemetry(node("n" + i, 1, 1000 + i, "/web"));
        }
        String text = text(f, new FleetMetrics.Options(3, 64, false));
        assertEquals(3, text.lines().filter(l -> l.startsWith("memfleet_memory_usage_bytes{")).count());
        assertTrue(text.contains("memfleet_fleet_memory_usage_bytes{cgroup=\"/web\",experiment=\"\",stat=\"sum\"} 10045"), text);
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
