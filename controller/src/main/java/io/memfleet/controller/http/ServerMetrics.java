package io.memfleet.controller.http;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The controller process's own series on /metrics, beside the fleet's: its JVM (heap, GC,
 * threads; the client library's instrumentation) and its dashboard streams (open, refused at the
 * bound, dropped for falling behind, resyncs sent).
 */
final class ServerMetrics {
    private final PrometheusRegistry jvm = new PrometheusRegistry();

    ServerMetrics() {
        JvmMetrics.builder().register(jvm);
    }

    /** {@code fleet}'s snapshots followed by this process's. */
    MetricSnapshots with(MetricSnapshots fleet, DashboardStream.Counts streams) {
        MetricSnapshots.Builder b = MetricSnapshots.builder();
        fleet.forEach(b::metricSnapshot);
        b.metricSnapshot(gauge("memfleet_dashboard_streams", "dashboard streams (GET /api/stream) open now",
                streams.open()));
        b.metricSnapshot(counter("memfleet_dashboard_streams_refused", "dashboard streams refused: too many open",
                streams.refused()));
        b.metricSnapshot(counter("memfleet_dashboard_streams_dropped", "dashboard streams closed for not reading",
                streams.dropped()));
        b.metricSnapshot(counter("memfleet_dashboard_resyncs", "messages that resent a slow client every point",
                streams.resyncs()));
        for (MetricSnapshot s : jvm.scrape()) {
            b.metricSnapshot(s);
        }
        return b.build();
    }

    private static GaugeSnapshot gauge(String name, String help, double v) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(v).build()).build();
    }

    private static CounterSnapshot counter(String name, String help, double v) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(v).build()).build();
    }
}
