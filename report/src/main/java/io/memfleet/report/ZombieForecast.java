package io.memfleet.report;

import java.util.Locale;

/**
 * The zombie forecast of one run: from the root's series of css ids in use per node (its p50 and
 * max over the nodes at each telemetry time), how fast they grow per simulated day and when the
 * median node (p50) and the first node (max) reach the per-node ceiling of 65,535 css ids. The
 * growth is a least-squares line over the later half of the run (samples at or after half the last
 * sample's time, so a warm-up does not weigh on it). A node that reached the ceiling in the run is
 * dated by the first sample at it; otherwise the line is extended to the ceiling, or the answer is
 * "never" when it does not rise by at least one id over its window (a job that happens to be live
 * at one sample and not the next is not growth). Pure: arrays in, values out.
 */
public final class ZombieForecast {
    /** CSS_ID_MAX: a node's memory cgroups (live and dying, the root included) hold at most this many ids. */
    public static final long CEILING = 65_535;
    static final double DAY = 86_400;

    /** How the ceiling time was found. */
    public enum Kind { REACHED, EXTRAPOLATED, NEVER }

    /** A growth line: {@code perDay} per simulated day, fitted over the samples from {@code fromSeconds} to {@code toSeconds}. */
    public record Growth(double perDay, double interceptAtZero, double fromSeconds, double toSeconds, int samples) {
        /** Whether the line rises by at least one id over its window: less is the noise of groups coming and going. */
        boolean rising() {
            return perDay * (toSeconds - fromSeconds) / DAY >= 1;
        }
    }

    /** When one series reaches the ceiling: the simulated seconds (NaN for never). */
    public record Ceiling(Kind kind, double seconds) {
        public String describe(double runSeconds) {
            return switch (kind) {
                case REACHED -> "reached at day " + days(seconds) + " of the run";
                case EXTRAPOLATED -> "about day " + days(seconds) + " (extrapolated; the run ended at day "
                        + days(runSeconds) + ")";
                case NEVER -> "never (not growing over the later half of the run)";
            };
        }
    }

    /** The forecast of one run. */
    public record Forecast(Growth cssIdsMedian, Growth cssIdsFirst, Growth dyingMedian, Ceiling median, Ceiling first,
                           double runSeconds) { }

    private ZombieForecast() {
    }

    /**
     * The forecast from the root's rows: per sample time (ascending), css ids p50 and max over the
     * nodes, and dying groups p50.
     */
    public static Forecast of(double[] seconds, long[] cssP50, long[] cssMax, long[] dyingP50) {
        double run = seconds.length == 0 ? 0 : seconds[seconds.length - 1];
        Growth median = fit(seconds, cssP50);
        Growth first = fit(seconds, cssMax);
        return new Forecast(median, first, fit(seconds, dyingP50), ceiling(seconds, cssP50, median),
                ceiling(seconds, cssMax, first), run);
    }

    /** The least-squares line over the samples at or after half the last sample's time (all of them if fewer than 2). */
    static Growth fit(double[] seconds, long[] values) {
        if (seconds.length < 2) {
            return new Growth(0, seconds.length == 0 ? 0 : values[0], 0, 0, seconds.length);
        }
        double from = seconds[seconds.length - 1] / 2;
        int start = 0;
        while (start < seconds.length && seconds[start] < from) {
            start++;
        }
        if (seconds.length - start < 2) {
            start = seconds.length - 2;
        }
        int n = seconds.length - start;
        double mx = 0;
        double my = 0;
        for (int i = start; i < seconds.length; i++) {
            mx += seconds[i] / DAY;
            my += values[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = start; i < seconds.length; i++) {
            double dx = seconds[i] / DAY - mx;
            sxy += dx * (values[i] - my);
            sxx += dx * dx;
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        return new Growth(slope, my - slope * mx, seconds[start], seconds[seconds.length - 1], n);
    }

    static Ceiling ceiling(double[] seconds, long[] values, Growth g) {
        for (int i = 0; i < seconds.length; i++) {
            if (values[i] >= CEILING) {
                return new Ceiling(Kind.REACHED, seconds[i]);
            }
        }
        if (!g.rising() || seconds.length == 0) {
            return new Ceiling(Kind.NEVER, Double.NaN);
        }
        double at = (CEILING - g.interceptAtZero()) / g.perDay() * DAY;
        // never before the last sample: the run saw it below the ceiling there
        return new Ceiling(Kind.EXTRAPOLATED, Math.max(at, seconds[seconds.length - 1]));
    }

    /** Days with one decimal: 12.5. */
    static String days(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds / DAY);
    }

    /** A growth per day with up to one decimal: 288, 12.5, and 0 for a slope that rounds to none. */
    static String perDay(double v) {
        double tenths = Math.rint(v * 10) / 10;
        return tenths == Math.rint(tenths) ? Long.toString((long) tenths) : String.format(Locale.ROOT, "%.1f", tenths);
    }
}
