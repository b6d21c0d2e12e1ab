package io.memfleet.workload.trace;

import java.util.List;

/**
 * How a trace's files are laid out: which columns name a series, hold its times and its values,
 * and in what units, as an experiment file spells it out or as a {@link TracePresets preset}
 * knows it for a published dataset.
 *
 * @param layout          long (a row per sample), wide (a column per series, or a file per series) or rows (a row per
 *                        series, a column per time step)
 * @param series          long and rows layouts: the columns whose values, joined with '/', name the series
 * @param time            the column of times, or null: rows are the spec's interval apart
 * @param value           the column of values (rows layout: the first of the time-step columns)
 * @param extra           a second value per sample (trace-churn's lifetime in seconds), or null
 * @param header          whether the first line names the columns
 * @param separator       ',' or ';' or ' ' (spaces and tabs), or 0 to tell from the first row
 * @param secondsPerTime  seconds per unit of the time column; {@link #MS_OR_S} for milliseconds that may be seconds
 * @param valueScale      what a value is multiplied by (1024 for KB to bytes)
 * @param filePerSeries   wide layout: a single file is one series too (not a column per series)
 * @param stepSeconds     rows layout: seconds between two time-step columns
 * @param fileSeconds     rows layout: seconds one file covers (the files of a directory follow each other)
 */
public record TraceShape(Layout layout, List<TraceSpec.Column> series, TraceSpec.Column time, TraceSpec.Column value,
                         TraceSpec.Column extra, boolean header, byte separator, double secondsPerTime,
                         double valueScale, boolean filePerSeries, double stepSeconds, double fileSeconds) {
    /** Milliseconds as documented, but seconds when the first time of a file is below 10^11 (before 1973 in ms). */
    public static final double MS_OR_S = -1;

    /** long: a row per (series, time, value); wide: a column or a file per series; rows: a row per series. */
    public enum Layout { LONG, WIDE, ROWS }

    public TraceShape {
        series = List.copyOf(series);
    }

    TraceShape withExtra(TraceSpec.Column e) {
        return new TraceShape(layout, series, time, value, e, header, separator, secondsPerTime, valueScale,
                filePerSeries, stepSeconds, fileSeconds);
    }
}
