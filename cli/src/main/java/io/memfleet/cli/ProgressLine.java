package io.memfleet.cli;

import io.memfleet.proto.v1.Experiment;
import java.util.Locale;

/**
 * The progress line a run prints: state, simulated time reached (and its percent of the whole),
 * events applied per second since the last line, nodes finished and an estimate of the time left.
 */
final class ProgressLine {
    private long lastEvents;
    private long lastSimNs;
    private long lastNanos;

    /** The line for {@code e} seen at {@code nowNanos} (wall time since any origin). */
    String line(Experiment e, long nowNanos) {
        long sim = e.getProgress().getSimTimeNs();
        long events = e.getProgress().getEventsApplied();
        double dt = lastNanos == 0 ? 0 : (nowNanos - lastNanos) / 1e9;
        double rate = dt > 0 ? (events - lastEvents) / dt : 0;
        double simRate = dt > 0 ? (sim - lastSimNs) / 1e9 / dt : 0;
        double pct = e.getDurationNs() > 0 ? 100.0 * sim / e.getDurationNs() : 0;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s: %.1f/%.1f s simulated (%.0f%%)",
                e.getState().name().toLowerCase(Locale.ROOT), sim / 1e9, e.getDurationNs() / 1e9, pct));
        if (dt > 0) {
            sb.append(String.format(Locale.ROOT, ", %s events/s", human(rate)));
        }
        sb.append(String.format(Locale.ROOT, ", %d/%d nodes finished", e.getProgress().getNodesFinished(), e.getNodes()));
        if (simRate > 0 && sim < e.getDurationNs()) {
            sb.append(String.format(Locale.ROOT, ", ETA %.0f s", (e.getDurationNs() - sim) / 1e9 / simRate));
        }
        lastEvents = events;
        lastSimNs = sim;
        lastNanos = nowNanos;
        return sb.toString();
    }

    static String human(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
