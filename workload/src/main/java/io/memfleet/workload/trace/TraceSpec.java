package io.memfleet.workload.trace;

import io.memfleet.kernel.api.InvalidCommandException;
import io.memfleet.kernel.api.Units;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of a {@code trace} workload: where the recorded series are, their shape, and how
 * a value becomes the cgroup's memory demand.
 *
 * @param path         a file (long format, or wide with a column per series) or a directory of one file per series
 * @param seriesColumn long format: the column that names the series
 * @param timeColumn   the column of times in seconds, or null: rows are {@code intervalNs} apart
 * @param valueColumn  the column of values
 * @param header       whether the first line names the columns
 * @param kmemPerGib   dentries looked up per GiB of demand, so kernel memory follows the demand
 * @param cycle        nodes beyond the number of series start over at the first (else they stay idle)
 */
public record TraceSpec(Path path, Format format, Column seriesColumn, Column timeColumn, Column valueColumn,
                        boolean header, long intervalNs, Unit unit, Of of, double anonShare, long kmemPerGib,
                        boolean linear, boolean cycle) {
    /** long: one row per (series, time, value); wide: a column or a file per series. */
    public enum Format { LONG, WIDE }

    /** What a value is: a fraction or percent of {@link Of}, or bytes. */
    public enum Unit { FRACTION, PERCENT, BYTES }

    /** What a fraction or percent is of: the cgroup's limit, or the node's memory. */
    public enum Of { LIMIT, NODE }

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
            "header", "interval", "value_unit", "of", "anon_share", "kmem_per_gib", "interpolate", "cycle");
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    /**
     * Reads the parameters (as written in the experiment file); relative paths are resolved
     * against {@code baseDir}; {@code ${NAME}} and {@code ${NAME:-default}} in the path come from
     * {@code env}.
     */
    public static TraceSpec of(Map<String, String> p, Path baseDir, Map<String, String> env) throws TraceException {
        String rawPath = p.get("path");
        if (rawPath == null || rawPath.isBlank()) {
            throw new TraceException("path", "required: a trace file or a directory of one file per series");
        }
        Path path = Path.of(expand(rawPath, env));
        if (!path.isAbsolute() && baseDir != null) {
            path = baseDir.resolve(path).normalize();
        }
        Format format = choice(p, "format", Format.class, Format.LONG);
        Column series = p.containsKey("series_column") ? Column.of(p.get("series_column")) : null;
        if (format == Format.LONG && series == null) {
            throw new TraceException("series_column", "required for format long: the column that names the series");
        }
        Column time = p.containsKey("time_column") ? Column.of(p.get("time_column")) : null;
        Column value = Column.of(p.getOrDefault("value_column", format == Format.LONG ? "" : "0"));
        if (value.name() != null && value.name().isEmpty()) {
            throw new TraceException("value_column", "required for format long: the column of values");
        }
        boolean named = (series != null && series.name() != null) || (time != null && time.name() != null)
                || value.name() != null;
        boolean header = p.containsKey("header") ? bool(p, "header") : named;
        if (named && !header) {
            throw new TraceException("header", "columns given by name need a header line");
        }
        long interval = p.containsKey("interval") ? seconds(p, "interval") : 300_000_000_000L;
        Unit unit = choice(p, "value_unit", Unit.class, Unit.FRACTION);
        Of of = choice(p, "of", Of.class, Of.LIMIT);
        double anon = number(p, "anon_share", 1.0, 0, 1);
        long kmem = (long) number(p, "kmem_per_gib", 0, 0, 10_000_000);
        String interp = p.getOrDefault("interpolate", "step");
        if (!interp.equals("step") && !interp.equals("linear")) {
            throw new TraceException("interpolate", "expected step or linear, got '" + interp + "'");
        }
        boolean cycle = !p.containsKey("cycle") || bool(p, "cycle");
        return new TraceSpec(path, format, series, time, value, header, interval, unit, of, anon, kmem,
                interp.equals("linear"), cycle);
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
