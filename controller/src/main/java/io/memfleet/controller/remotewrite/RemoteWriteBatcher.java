package io.memfleet.controller.remotewrite;

import io.memfleet.controller.model.SimulatedSeries;
import io.memfleet.proto.remotewrite.Label;
import io.memfleet.proto.remotewrite.Sample;
import io.memfleet.proto.remotewrite.TimeSeries;
import io.memfleet.proto.remotewrite.WriteRequest;
import io.memfleet.proto.v1.SeriesPoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The remote write's pure core: experiments' series points in, remote-write requests out, with
 * simulated time laid on each experiment's wall-clock start. A point is taken once (those at or
 * before an experiment's last taken time are passed over, so offering every point so far again is
 * cheap to get right); samples leave in the order they were taken, so each series' samples go in
 * time order as Prometheus wants them (out-of-order ones are refused). Counters are running totals
 * of the points' per-interval events, from a 0 at simulated time 0. One owner thread.
 */
public final class RemoteWriteBatcher {
    private record Pending(Map<String, String> labels, double value, long timestampMs) { }

    /** How far an experiment has been taken, and its counters' totals so far. */
    private static final class Cursor {
        long lastNs = -1;
        final Map<Map<String, String>, Long> totals = new HashMap<>();
    }

    private final int maxSamples;
    private final Map<String, Cursor> cursors = new HashMap<>();
    private final Deque<Pending> pending = new ArrayDeque<>();

    public RemoteWriteBatcher(int maxSamplesPerRequest) {
        if (maxSamplesPerRequest < 1) {
            throw new IllegalArgumentException("a request holds at least one sample");
        }
        this.maxSamples = maxSamplesPerRequest;
    }

    /**
     * Takes the points of {@code experiment} later than those taken before ({@code points} in time
     * order), a sample at {@code startMs + simulated time} each; returns how many points it took.
     */
    public int offer(String experiment, long startMs, List<SeriesPoint> points) {
        Cursor c = cursors.computeIfAbsent(experiment, k -> new Cursor());
        long from = c.lastNs;
        int taken = 0;
        for (SeriesPoint p : points) {
            if (p.getSimTimeNs() <= from) {
                continue;
            }
            c.lastNs = Math.max(c.lastNs, p.getSimTimeNs());
            taken++;
            long ts = startMs + p.getSimTimeNs() / 1_000_000;
            boolean slab = !p.getSlab().isEmpty();
            Map<String, Long> columns = slab ? SimulatedSeries.slabColumns(p) : SimulatedSeries.cgroupColumns(p);
            for (Map.Entry<String, Long> col : columns.entrySet()) {
                SimulatedSeries.Target t = slab ? SimulatedSeries.slabColumn(col.getKey())
                        : SimulatedSeries.cgroupColumn(col.getKey());
                if (t.rootOnly() && !p.getCgroup().equals(SimulatedSeries.ROOT)) {
                    continue;
                }
                Map<String, String> labels = labels(experiment, t, p, slab);
                long v = col.getValue();
                if (t.family().counter()) {
                    Long before = c.totals.get(labels);
                    if (before == null) {
                        pending.add(new Pending(labels, 0, startMs)); // every node boots with none
                        before = 0L;
                    }
                    v += before;
                    c.totals.put(labels, v);
                }
                pending.add(new Pending(labels, v < 0 ? (double) (v >>> 1) * 2.0 : v, ts));
            }
        }
        return taken;
    }

    private static Map<String, String> labels(String experiment, SimulatedSeries.Target t, SeriesPoint p, boolean slab) {
        Map<String, String> l = new TreeMap<>();
        l.put("__name__", t.family().sampleName());
        l.put("experiment", experiment);
        if (slab) {
            l.put("slab", p.getSlab());
        } else if (!t.rootOnly()) {
            l.put("cgroup", p.getCgroup());
        }
        if (SimulatedSeries.split(p.getGroup())) {
            l.put("rollout", p.getRollout());
            l.put("group", p.getGroup());
        }
        for (int i = 0; i < t.labels().size(); i += 2) {
            l.put(t.labels().get(i), t.labels().get(i + 1));
        }
        return l;
    }

    /** Samples taken and not yet in a request. */
    public int pendingSamples() {
        return pending.size();
    }

    /** The next request (up to the most samples a request holds), or null when nothing is pending. */
    public WriteRequest next() {
        if (pending.isEmpty()) {
            return null;
        }
        Map<Map<String, String>, TimeSeries.Builder> series = new LinkedHashMap<>();
        for (int n = 0; n < maxSamples && !pending.isEmpty(); n++) {
            Pending s = pending.poll();
            series.computeIfAbsent(s.labels(), RemoteWriteBatcher::series)
                    .addSamples(Sample.newBuilder().setValue(s.value()).setTimestamp(s.timestampMs()));
        }
        List<TimeSeries> out = new ArrayList<>();
        series.values().forEach(b -> out.add(b.build()));
        return WriteRequest.newBuilder().addAllTimeseries(out).build();
    }

    private static TimeSeries.Builder series(Map<String, String> labels) {
        TimeSeries.Builder b = TimeSeries.newBuilder();
        labels.forEach((k, v) -> b.addLabels(Label.newBuilder().setName(k).setValue(v)));
        return b;
    }

    /** Forgets an experiment whose points have all been taken. */
    public void forget(String experiment) {
        cursors.remove(experiment);
    }
}
