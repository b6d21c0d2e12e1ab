package io.memfleet.controller.model;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * One metric family being filled with samples, a gauge or a counter, turned into the Prometheus
 * client's snapshot at the end. A counter's name is given without {@code _total}: the exposition
 * adds it.
 */
final class MetricFamily {
    private final String name;
    private final String help;
    private final boolean counter;
    private final List<Labels> labels = new ArrayList<>();
    private double[] values = new double[16];

    private MetricFamily(String name, String help, boolean counter) {
        this.name = name;
        this.help = help;
        this.counter = counter;
    }

    static MetricFamily gauge(String name, String help) {
        return new MetricFamily(name, help, false);
    }

    static MetricFamily counter(String name, String help) {
        return new MetricFamily(name, help, true);
    }

    String name() {
        return name;
    }

    /** Adds a sample; {@code labelPairs} alternate name and value. */
    MetricFamily add(double value, String... labelPairs) {
        if (labels.size() == values.length) {
            values = java.util.Arrays.copyOf(values, values.length * 2);
        }
        values[labels.size()] = value;
        labels.add(Labels.of(labelPairs));
        return this;
    }

    /** A kernel counter read as unsigned (an unlimited limit is 2^63 - 1, never negative). */
    static double unsigned(long v) {
        return v >= 0 ? (double) v : (double) (v >>> 1) * 2.0;
    }

    MetricSnapshot snapshot() {
        if (counter) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            for (int i = 0; i < labels.size(); i++) {
                b.dataPoint(CounterDataPointSnapshot.builder().value(values[i]).labels(labels.get(i)).build());
            }
            return b.build();
        }
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (int i = 0; i < labels.size(); i++) {
            b.dataPoint(GaugeDataPointSnapshot.builder().value(values[i]).labels(labels.get(i)).build());
        }
        return b.build();
    }
}
