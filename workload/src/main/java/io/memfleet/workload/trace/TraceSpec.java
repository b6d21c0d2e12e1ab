package io.memfleet.workload.trace;

import io.memfleet.kernel.api.InvalidCommandException;
import io.memfleet.kernel.api.Units;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of a {@code trace} (or {@code trace-churn}) workload: where the recorded series
 * are, their shape (spelt out column by column, or a published dataset's by name), what to do with
 * rows that are not clean, and how a value becomes the cgroup's memory demand.
 *
 * @param path       a file (long format, or wide with a column per series) or a directory of one file per series
 * @param format     long, wide or a preset's name ({@link TracePresets})
 * @param shape      the columns and units of the files
 * @param kmemPerGib dentries looked up per GiB of demand, so kernel memory follows the demand
 * @param cycle      nodes beyond the number of series start over at the first (else they stay idle)
 * @param onBadRows  clean (repair, the default), skip (drop the row) or fail (refuse the trace)
 * @param counts     the values are counts (trace-churn): no maximum, never a fraction of anything
 */
public record TraceSpec(Path path, String format, TraceShape shape, long intervalNs, Unit unit, Of of,
                        double anonShare, long kmemPerGib, boolean linear, boolean cycle, OnBadRows onBadRows,
                        boolean counts) {
    /** What a value is: a fraction or percent of {@link Of}, or bytes (or a count, for trace-churn). */
    public enum Unit { FRACTION, PERCENT, BYTES, COUNT }

    /** What a fraction or percent is of: the cgroup's limit, or the node's memory. */
    public enum Of { LIMIT, NODE }

    /** What becomes of a row that is not clean: repaired and counted, dropped and counted, or an error. */
    public enum OnBadRows { CLEAN, SKIP, FAIL }

    /** A column by name (needs a header) or by 0-based index. */
    public record Column(String name, int index) {
        static Column of(String text) {
            return text.matches("[0-9]{1,4}") ? new Column(null, Integer.parseInt(text)) : new Column(text, -1);
        }

        @Override
        public String toString() {
            return name != null ? "'" + name + "'" : "column " + index;
        }
    }

    public static final Set<String> PARAMS = Set.of("path", "format", "series_column", "time_column", "value_column",
            "header", "interval", "time_unit", "value_unit", "of", "anon_share", "kmem_per_gib", "interpolate", "cycle",
            "on_bad_rows");
    /** trace-churn's parameters of the file (the model's own are read by the experiment parser). */
    public static final Set<String> COUNT_PARAMS = Set.of("path", "format", "series_column", "time_column",
            "value_column", "lifetime_column", "header", "interval", "time_unit", "cycle", "on_bad_rows");
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    private static final Map<String, Double> TIME_UNITS = Map.of("s", 1.0, "ms", 1e-3, "us", 1e-6, "ns", 1e-9);

    /**
     * Reads a trace workload's parameters (as written in the experiment file); relative paths are
     * resolved against {@code baseDir}; {@code ${NAME}} and {@code ${NAME:-default}} in the path come
     * from {@code env}.
     */
    public static TraceSpec of(Map<String, String> p, Path baseDir, Map<String, String> env) throws TraceException {
        return of(p, baseDir, env, false);
    }

    /** As {@link #of(Map, Path, Map)}; {@code counts}: the parameters of a trace-churn workload (values are counts). */
    public static TraceSpec of(Map<String, String> p, Path baseDir, Map<String, String> env, boolean counts)
            throws TraceException {
        Path path = path(p, baseDir, env);
        String format = p.getOrDefault("format", "long");
        TracePresets.Preset preset = TracePresets.get(format);
        if (preset != null && preset.counts() != counts) {
            throw new TraceException("format", counts ? "'" + format + "' holds memory usage, not counts: use it with "
                    + "model trace" : "'" + format + "' holds invocation counts: use it with model trace-churn");
        }
        TraceShape shape = preset != null ? presetShape(preset, p) : shape(p, format);
        if (counts && p.containsKey("lifetime_column")) {
            if (shape.layout() == TraceShape.Layout.ROWS) {
                throw new TraceException("lifetime_column", "format '" + format + "' has a count per column and no "
                        + "lifetimes: give lifetime");
            }
            shape = shape.withExtra(Column.of(p.get("lifetime_column")));
        }
        boolean named = shape.series().stream().anyMatch(c -> c.name() != null)
                || (shape.time() != null && shape.time().name() != null) || shape.value().name() != null
                || (shape.extra() != null && shape.extra().name() != null);
        if (named && !shape.header()) {
            throw new TraceException("header", "columns given by name need a header line");
        }
        long interval = p.containsKey("interval") ? seconds(p, "interval")
                : preset != null ? preset.intervalNs() : 300_000_000_000L;
        Unit unit = counts ? Unit.COUNT : choice(p, "value_unit", Unit.class, preset != null ? preset.unit() : Unit.FRACTION);
        if (unit == Unit.COUNT && !counts) {
            throw new TraceException("value_unit", "expected one of fraction, percent, bytes, got 'count'");
        }
        Of of = choice(p, "of", Of.class, preset != null ? preset.of() : Of.LIMIT);
        double anon = number(p, "anon_share", 1.0, 0, 1);
        long kmem = (long) number(p, "kmem_per_gib", 0, 0, 10_000_000);
        String interp = p.getOrDefault("interpolate", "step");
        if (!interp.equals("step") && !interp.equals("linear")) {
            throw new TraceException("interpolate", "expected step or linear, got '" + interp + "'");
        }
        boolean cycle = !p.containsKey("cycle") || bool(p, "cycle");
        OnBadRows bad = choice(p, "on_bad_rows", OnBadRows.class, OnBadRows.CLEAN);
        return new TraceSpec(path, format, shape, interval, unit, of, anon, kmem, interp.equals("linear"), cycle, bad,
                counts);
    }

    private static Path path(Map<String, String> p, Path baseDir, Map<String, String> env) throws TraceException {
        String rawPath = p.get("path");
        if (rawPath == null || rawPath.isBlank()) {
            throw new TraceException("path", "required: a trace file or a directory of one file per series");
        }
        Path path = Path.of(expand(rawPath, env));
        if (!path.isAbsolute() && baseDir != null) {
            path = baseDir.resolve(path).normalize();
        }
        return path;
    }

    /** A shape spelt out column by column ({@code format: long} or {@code wide}). */
    private static TraceShape shape(Map<String, String> p, String format) throws TraceException {
        if (!format.equals("long") && !format.equals("wide")) {
            throw new TraceException("format", "expected long, wide or one of " + String.join(", ", TracePresets.NAMES)
                    + ", got '" + format + "'");
        }
        boolean isLong = format.equals("long");
        Column series = p.containsKey("series_column") ? Column.of(p.get("series_column")) : null;
        if (isLong && series == null) {
            throw new TraceException("series_column", "required for format long: the column that names the series");
        }
        Column time = p.containsKey("time_column") ? Column.of(p.get("time_column")) : null;
        Column value = Column.of(p.getOrDefault("value_column", isLong ? "" : "0"));
        if (value.name() != null && value.name().isEmpty()) {
            throw new TraceException("value_column", "required for format long: the column of values");
        }
        boolean named = (series != null && series.name() != null) || (time != null && time.name() != null)
                || value.name() != null;
        boolean header = p.containsKey("header") ? bool(p, "header") : named;
        double perTime = timeUnit(p, 1);
        return new TraceShape(isLong ? TraceShape.Layout.LONG : TraceShape.Layout.WIDE,
                series == null ? List.of() : List.of(series), time, value, null, header, (byte) 0, perTime, 1, false, 0, 0);
    }

    /** A preset's shape; the experiment file may name another value column, header or time unit. */
    private static TraceShape presetShape(TracePresets.Preset preset, Map<String, String> p) throws TraceException {
        for (String fixed : List.of("series_column", "time_column")) {
            if (p.containsKey(fixed)) {
                throw new TraceException(fixed, "format '" + preset.name() + "' fixes the series and time columns "
                        + "(give format long or wide to map columns by hand)");
            }
        }
        TraceShape s = preset.shape();
        Column value = p.containsKey("value_column") ? Column.of(p.get("value_column")) : s.value();
        boolean header = p.containsKey("header") ? bool(p, "header") : s.header();
        return new TraceShape(s.layout(), s.series(), s.time(), value, s.extra(), header, s.separator(),
                timeUnit(p, s.secondsPerTime()), s.valueScale(), s.filePerSeries(), s.stepSeconds(), s.fileSeconds());
    }

    private static double timeUnit(Map<String, String> p, double dflt) throws TraceException {
        String u = p.get("time_unit");
        if (u == null) {
            return dflt;
        }
        Double v = TIME_UNITS.get(u);
        if (v == null) {
            throw new TraceException("time_unit", "expected s, ms, us or ns, got '" + u + "'");
        }
        return v;
    }

    static String expand(String text, Map<String, String> env) throws TraceException {
        Matcher m = ENV.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            if (v == null || v.isEmpty()) {
                if (m.group(2) == null) {
                    throw new TraceException("path", "environment variable " + m.group(1) + " is not set");
                }
                v = m.group(3);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static <E extends Enum<E>> E choice(Map<String, String> p, String key, Class<E> type, E dflt)
            throws TraceException {
        String v = p.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder names = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                names.append(names.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw new TraceException(key, "expected one of " + names + ", got '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> p, String key) throws TraceException {
        return switch (p.get(key)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw new TraceException(key, "expected true or false, got '" + p.get(key) + "'");
        };
    }

    private static double number(Map<String, String> p, String key, double dflt, double min, double max)
            throws TraceException {
        String v = p.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(v);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new TraceException(key, "expected a number from " + min + " to " + max + ", got '" + v + "'");
    }

    private static long seconds(Map<String, String> p, String key) throws TraceException {
        String v = p.get(key);
        try {
            long ns = Units.parseDuration(v);
            if (ns > 0) {
                return ns;
            }
        } catch (InvalidCommandException e) {
            // reported below
        }
        throw new TraceException(key, "expected a duration above 0 such as 300s or 5m, got '" + v + "'");
    }
}
