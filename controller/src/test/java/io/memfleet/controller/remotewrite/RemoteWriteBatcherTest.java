package io.memfleet.controller.remotewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.proto.remotewrite.Label;
import io.memfleet.proto.remotewrite.Sample;
import io.memfleet.proto.remotewrite.TimeSeries;
import io.memfleet.proto.remotewrite.WriteRequest;
import io.memfleet.proto.v1.Experiment;
import io.memfleet.proto.v1.SeriesPoint;
import io.memfleet.proto.v1.StatSummary;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** Series points to remote-write requests: simulated time on the start, samples in order, counters as running totals. */
class RemoteWriteBatcherTest {
    private static final long START_MS = 1_700_000_000_000L;

    private static SeriesPoint point(long simMs, String cgroup, long usageMax, long ooms) {
        return SeriesPoint.newBuilder().setSimTimeNs(simMs * 1_000_000).setCgroup(cgroup).setNodes(2)
                .setUsageInBytes(StatSummary.newBuilder().setMax(usageMax).setSum(2 * usageMax)).setOomKills(ooms).build();
    }

    private static List<TimeSeries> all(RemoteWriteBatcher b) {
        List<TimeSeries> out = new ArrayList<>();
        for (WriteRequest r = b.next(); r != null; r = b.next()) {
            out.addAll(r.getTimeseriesList());
        }
        return out;
    }

    private static String labels(TimeSeries t) {
        return t.getLabelsList().stream().map(l -> l.getName() + "=" + l.getValue()).collect(Collectors.joining(","));
    }

    private static List<Sample> samples(List<TimeSeries> ts, String labels) {
        return ts.stream().filter(t -> labels(t).equals(labels)).flatMap(t -> t.getSamplesList().stream()).toList();
    }

    @Test
    void simulatedTimeIsLaidOnTheStartAndLabelsAreSortedByName() {
        RemoteWriteBatcher b = new RemoteWriteBatcher(10_000);
        assertEquals(2, b.offer("qs-1", START_MS, List.of(point(1000, "/batch", 100, 0), point(2000, "/batch", 300, 0))));
        List<Sample> usage = samples(all(b), "__name__=memfleet_fleet_memory_usage_bytes,cgroup=/batch,experiment=qs-1,stat=max");
        assertEquals(List.of(START_MS + 1000, START_MS + 2000), usage.stream().map(Sample::getTimestamp).toList());
        assertEquals(List.of(100.0, 300.0), usage.stream().map(Sample::getValue).toList());
    }

    @Test
    void countersAreRunningTotalsFromZeroAtTheStart() {
        RemoteWriteBatcher b = new RemoteWriteBatcher(10_000);
        b.offer("qs-1", START_MS, List.of(point(1000, "/batch", 1, 2)));
        b.offer("qs-1", START_MS, List.of(point(1000, "/batch", 1, 2), point(2000, "/batch", 1, 0),
                point(3000, "/batch", 1, 3)));
        List<Sample> kills = samples(all(b), "__name__=memfleet_fleet_oom_kills_total,cgroup=/batch,experiment=qs-1");
        assertEquals(List.of(0.0, 2.0, 2.0, 5.0), kills.stream().map(Sample::getValue).toList());
        assertEquals(START_MS, kills.get(0).getTimestamp());
    }

    @Test
    void pointsOfferedAgainAreTakenOnceAndEachSeriesStaysInTimeOrderAcrossRequests() {
        RemoteWriteBatcher b = new RemoteWriteBatcher(7);
        List<SeriesPoint> points = new ArrayList<>();
        for (int t = 1; t <= 20; t++) {
            points.add(point(t * 500L, "/web", t, 0));
            assertEquals(1, b.offer("e", START_MS, points));
        }
        assertEquals(0, b.offer("e", START_MS, points));
        List<TimeSeries> ts = all(b);
        for (String l : ts.stream().map(RemoteWriteBatcherTest::labels).distinct().toList()) {
            List<Long> times = samples(ts, l).stream().map(Sample::getTimestamp).toList();
            assertEquals(times.stream().sorted().distinct().toList(), times, l);
        }
        assertEquals(20, samples(ts, "__name__=memfleet_fleet_memory_usage_bytes,cgroup=/web,experiment=e,stat=max").size());
        assertNull(b.next());
        assertEquals(0, b.pendingSamples());
    }

    @Test
    void nodeTotalsComeFromTheRootPointWithoutACgroup() {
        RemoteWriteBatcher b = new RemoteWriteBatcher(10_000);
        SeriesPoint root = point(1000, "/", 0, 0).toBuilder().setCssIds(StatSummary.newBuilder().setMax(9)).build();
        b.offer("e", START_MS, List.of(root, point(1000, "/web", 0, 0)));
        List<TimeSeries> ts = all(b);
        assertEquals(List.of(9.0), samples(ts, "__name__=memfleet_fleet_css_ids,experiment=e,stat=max").stream()
                .map(Sample::getValue).toList());
        assertTrue(ts.stream().noneMatch(t -> labels(t).startsWith("__name__=memfleet_fleet_css_ids,cgroup")));
    }

    @Test
    void theRequestIsPrometheusRemoteWriteOneBytes() throws Exception {
        WriteRequest r = WriteRequest.newBuilder().addTimeseries(TimeSeries.newBuilder()
                .addLabels(Label.newBuilder().setName("a").setValue("b"))
                .addSamples(Sample.newBuilder().setValue(1.0).setTimestamp(2))).build();
        // prompb: WriteRequest.timeseries = 1; TimeSeries.labels = 1, samples = 2; Label name = 1, value = 2;
        // Sample value = 1 (double), timestamp = 2 (int64)
        byte[] expected = {0x0a, 0x15, 0x0a, 0x06, 0x0a, 0x01, 'a', 0x12, 0x01, 'b', 0x12, 0x0b, 0x09, 0, 0, 0, 0, 0, 0,
            (byte) 0xf0, 0x3f, 0x10, 0x02};
        assertArrayEquals(expected, r.toByteArray());
        assertArrayEquals(r.toByteArray(), Snappy.uncompress(RemoteWriter.compress(r)));
        HttpRequest h = RemoteWriter.request(java.net.URI.create("http://127.0.0.1:9/api/v1/write"), new byte[0]);
        assertEquals("snappy", h.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals("application/x-protobuf", h.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("0.1.0", h.headers().firstValue("X-Prometheus-Remote-Write-Version").orElseThrow());
    }

    @Test
    void simulatedTimeZeroLandsTheDurationBeforeTheSubmission() {
        Experiment e = Experiment.newBuilder().setSubmittedAtMs(START_MS).setDurationNs(30_000_000_000L).build();
        assertEquals(START_MS - 30_000, RemoteWriter.startMs(e));
    }
}
