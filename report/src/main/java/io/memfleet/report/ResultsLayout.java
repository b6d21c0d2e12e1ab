package io.memfleet.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What memfleet writes into a results directory, so that a directory can be told apart from one
 * holding anything else before a run replaces it. A run's directory holds {@link #RUN_FILES} and
 * {@code nodes/*.txt}; an A/B matrix's holds {@link #MATRIX_FILES} and one run directory per
 * variant; a comparison's holds {@link #COMPARE_FILES}.
 */
public final class ResultsLayout {
    public static final Set<String> RUN_FILES = Set.of("summary.json", "run.json", "series.csv", "series.parquet",
            "slabs.csv", "slabs.parquet", "report.html", "experiment.yaml", "openmetrics.txt");
    public static final Set<String> COMPARE_FILES = Set.of("compare.html", "compare.csv");
    public static final Set<String> MATRIX_FILES = Set.of("run.json", "compare.html", "compare.csv");
    static final String NODES = "nodes";

    /** What a directory holds. */
    public enum Kind { MISSING, EMPTY, RESULTS, FOREIGN, NOT_A_DIRECTORY }

    /** What a directory holds, and the first entries that memfleet did not write (when FOREIGN). */
    public record Verdict(Kind kind, List<String> foreign) { }

    private ResultsLayout() {
    }

    /** Classifies {@code dir}: missing, empty, memfleet's own results (of a run, a matrix or a comparison), or not. */
    public static Verdict inspect(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return new Verdict(Kind.MISSING, List.of());
        }
        if (!Files.isDirectory(dir)) {
            return new Verdict(Kind.NOT_A_DIRECTORY, List.of());
        }
        List<String> names = list(dir);
        if (names.isEmpty()) {
            return new Verdict(Kind.EMPTY, List.of());
        }
        List<String> foreign = new ArrayList<>();
        boolean run = names.contains("summary.json");
        boolean compare = names.contains("compare.csv");
        for (String n : names) {
            Path p = dir.resolve(n);
            boolean ours;
            if (Files.isDirectory(p)) {
                ours = n.equals(NODES) ? run && nodeFilesOnly(p) : compare && !run && isRunDirectory(p);
            } else {
                ours = run ? RUN_FILES.contains(n) : compare ? MATRIX_FILES.contains(n) || COMPARE_FILES.contains(n)
                        : false;
            }
            if (!ours) {
                foreign.add(n);
            }
        }
        return foreign.isEmpty() && (run || compare) ? new Verdict(Kind.RESULTS, List.of())
                : new Verdict(Kind.FOREIGN, foreign.isEmpty() ? names : foreign);
    }

    private static boolean isRunDirectory(Path dir) throws IOException {
        List<String> names = list(dir);
        if (!names.contains("summary.json")) {
            return false;
        }
        for (String n : names) {
            Path p = dir.resolve(n);
            if (Files.isDirectory(p) ? !(n.equals(NODES) && nodeFilesOnly(p)) : !RUN_FILES.contains(n)) {
                return false;
            }
        }
        return true;
    }

    private static boolean nodeFilesOnly(Path nodes) throws IOException {
        try (Stream<Path> s = Files.list(nodes)) {
            return s.allMatch(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".txt"));
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
