package io.memfleet.workload.trace;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a trace's rows needed on the way in, counted per file and kind with the line of the first
 * occurrence: the part of a run's record that says which data it really replayed. Under
 * {@code on_bad_rows: fail} the first problem is an error instead, naming file and line.
 */
public final class TraceRepairs {
    /** A kind of problem in a row, and what clean and skip make of it. */
    public enum Problem {
        NEGATIVE("negative value", "negative values", "clamped to 0", "value_column"),
        ABOVE_MAX("value above the maximum", "values above the maximum", "clamped to the maximum", "value_column"),
        EMPTY("empty value", "empty values", "skipped", "value_column"),
        NOT_A_NUMBER("value that is not a number", "values that are not numbers", "skipped", "value_column"),
        SHORT_ROW("row with too few fields", "rows with too few fields", "skipped", null),
        BAD_TIME("row without a valid time", "rows without a valid time", "skipped", "time_column"),
        DUPLICATE_TIME("duplicate time in a series", "duplicate times in a series", "the last row kept", "time_column"),
        OUT_OF_ORDER("row out of time order", "rows out of time order", "its series sorted", "time_column"),
        EMPTY_FILE("file without rows", "files without rows", "replayed as no demand", "path");

        private final String one;
        private final String many;
        private final String cleaned;
        private final String field;

        Problem(String one, String many, String cleaned, String field) {
            this.one = one;
            this.many = many;
            this.cleaned = cleaned;
            this.field = field;
        }

        /** The workload parameter the problem is reported under when it is an error. */
        public String field() {
            return field;
        }

        /** What became of it under {@code policy}: {@code clamped to 0}, {@code skipped}, ... */
        String outcome(TraceSpec.OnBadRows policy) {
            if (policy == TraceSpec.OnBadRows.SKIP) {
                return this == DUPLICATE_TIME ? "the first row kept" : this == EMPTY_FILE ? cleaned : "skipped";
            }
            return cleaned;
        }

        String noun(long count) {
            return count == 1 ? one : many;
        }
    }

    /** One kind of repair in one file: how many, and the line of the first. */
    public record Repair(String file, Problem problem, long count, long firstLine, TraceSpec.OnBadRows policy) {
        /** {@code 1 negative value clamped to 0 (first at line 154229)} */
        public String text() {
            return String.format(Locale.ROOT, "%d %s %s (first at line %d)", count, problem.noun(count),
                    problem.outcome(policy), firstLine);
        }
    }

    private final TraceSpec.OnBadRows policy;
    private final Map<String, EnumMap<Problem, long[]>> byFile = new LinkedHashMap<>();

    TraceRepairs(TraceSpec.OnBadRows policy) {
        this.policy = policy;
    }

    TraceSpec.OnBadRows policy() {
        return policy;
    }

    /**
     * Counts a problem at {@code file:line}; under fail it is the error instead, {@code detail}
     * saying what was found ({@code a negative demand: '-1.17e-05'}: made only then, not for every
     * row a trace repairs).
     */
    void record(java.nio.file.Path file, long line, Problem p, java.util.function.Supplier<String> detail)
            throws TraceException {
        if (policy == TraceSpec.OnBadRows.FAIL) {
            throw new TraceException(p.field(), file + ":" + line + ": " + detail.get());
        }
        long[] c = byFile.computeIfAbsent(file.getFileName().toString(), f -> new EnumMap<>(Problem.class)).computeIfAbsent(p,
                k -> new long[] {0, Long.MAX_VALUE});
        c[0]++;
        c[1] = Math.min(c[1], line);
    }

    /** Every repair, files in the order they were read, kinds in declaration order. */
    List<Repair> list() {
        List<Repair> out = new ArrayList<>();
        byFile.forEach((f, kinds) -> kinds.forEach((p, c) -> out.add(new Repair(f, p, c[0], c[1], policy))));
        return out;
    }

    /**
     * One line per file: {@code pods.csv: 1 negative value clamped to 0 (first at line 154229); 12
     * empty values skipped (first at line 88)}.
     */
    public static List<String> lines(List<Repair> repairs) {
        Map<String, StringBuilder> byFile = new LinkedHashMap<>();
        for (Repair r : repairs) {
            StringBuilder sb = byFile.computeIfAbsent(r.file(), f -> new StringBuilder(f).append(": "));
            if (sb.length() > r.file().length() + 2) {
                sb.append("; ");
            }
            sb.append(r.text());
        }
        return byFile.values().stream().map(StringBuilder::toString).toList();
    }
}
