package io.memfleet.workload.trace;

import io.memfleet.workload.trace.TraceRepairs.Problem;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;

/**
 * The numbers of a row as the trace's units and {@code on_bad_rows} make them: a time in seconds,
 * a value clamped to its range or dropped (NaN), a second value (a lifetime) likewise. Every
 * repair is counted; under fail the first is the error.
 */
final class RowValues {
    /** Below this a time column documented as milliseconds holds seconds (10^11 ms is in 1973). */
    private static final double SECONDS_BELOW = 1e11;

    private final TraceSpec spec;
    private final TraceRepairs repairs;
    private final double max;
    private final boolean clean;
    private Path file;
    private double secondsPerTime;

    RowValues(TraceSpec spec, TraceRepairs repairs) {
        this.spec = spec;
        this.repairs = repairs;
        this.max = switch (spec.unit()) {
            case FRACTION -> 1;
            case PERCENT -> 100;
            default -> Double.POSITIVE_INFINITY;
        };
        this.clean = spec.onBadRows() == TraceSpec.OnBadRows.CLEAN;
    }

    void startFile(Path f) {
        file = f;
        secondsPerTime = spec.shape().secondsPerTime();
    }

    /** The row's time in seconds, or NaN when it has none that is valid (the row is dropped). */
    double time(TraceReader r, int col) throws TraceException {
        if (r.empty(col)) {
            repairs.record(file, r.line(), Problem.BAD_TIME, () -> "no time in " + spec.shape().time());
            return Double.NaN;
        }
        double d = r.number(col);
        if (Double.isNaN(d)) {
            double iso = isoSeconds(r.field(col));
            if (!Double.isNaN(iso)) {
                return iso;
            }
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            repairs.record(file, r.line(), Problem.BAD_TIME,
                    () -> "not a number or a date and time: '" + r.field(col) + "'");
            return Double.NaN;
        }
        if (secondsPerTime == TraceShape.MS_OR_S) {
            secondsPerTime = Math.abs(d) < SECONDS_BELOW ? 1 : 1e-3;
        }
        return d * secondsPerTime;
    }

    /**
     * Seconds since 1970 of an ISO 8601 date and time ({@code 2026-12-01T10:00:00Z}, {@code
     * 2026-12-01 10:00:00.5}, {@code 2026-12-01}; UTC without an offset), or NaN.
     */
    static double isoSeconds(String text) {
        if (text.length() < 10 || text.charAt(4) != '-') {
            return Double.NaN;
        }
        try {
            if (text.length() == 10) { // a date alone: no parse of a date and time to fail first, row after row
                return LocalDate.parse(text).toEpochDay() * 86_400.0;
            }
            String t = text.charAt(10) == ' ' ? text.substring(0, 10) + "T" + text.substring(11) : text;
            TemporalAccessor a = DateTimeFormatter.ISO_DATE_TIME.parseBest(t,
                    OffsetDateTime::from, LocalDateTime::from);
            Instant i = a instanceof OffsetDateTime o ? o.toInstant()
                    : ((LocalDateTime) a).toInstant(ZoneOffset.UTC);
            return i.getEpochSecond() + i.getNano() / 1e9;
        } catch (DateTimeException e) {
            return Double.NaN;
        }
    }

    /** The value in the trace's unit (scaled, clamped), or NaN when the sample is dropped. */
    double value(TraceReader r, int col) throws TraceException {
        double d = number(r, col);
        if (Double.isNaN(d)) {
            return d;
        }
        if (d < 0) {
            repairs.record(file, r.line(), Problem.NEGATIVE, () -> (spec.counts() ? "a negative count: '"
                    : "a negative demand: '") + r.field(col) + "'");
            return clean ? 0 : Double.NaN;
        }
        if (d > max) {
            repairs.record(file, r.line(), Problem.ABOVE_MAX,
                    () -> "above " + (max == 1 ? "1, the maximum of a fraction"
                    : "100, the maximum of a percent") + ": '" + r.field(col) + "'");
            return clean ? max : Double.NaN;
        }
        return d;
    }

    /** A second value (trace-churn's lifetime in seconds): at least 0, or NaN when the sample is dropped. */
    double extra(TraceReader r, int col) throws TraceException {
        double d = number(r, col);
        if (d < 0) {
            repairs.record(file, r.line(), Problem.NEGATIVE, () -> "a negative lifetime: '" + r.field(col) + "'");
            return clean ? 0 : Double.NaN;
        }
        return d;
    }

    private double number(TraceReader r, int col) throws TraceException {
        if (r.empty(col)) {
            repairs.record(file, r.line(), Problem.EMPTY, () -> "an empty value");
            return Double.NaN;
        }
        double d = r.number(col);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            repairs.record(file, r.line(), Problem.NOT_A_NUMBER, () -> "not a number: '" + r.field(col) + "'");
            return Double.NaN;
        }
        return d * spec.shape().valueScale();
    }
}
