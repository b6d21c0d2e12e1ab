package io.memfleet.cli;

import io.memfleet.report.CompareReport;
import io.memfleet.report.Comparison;
import io.memfleet.report.ResultsDir;
import io.memfleet.report.ResultsDirException;
import io.memfleet.report.Units;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code memfleet compare DIR_A DIR_B [DIR...] --out DIR}: what changed between runs, largest differences first. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compares the results of two or more runs (the first is the baseline): writes DIR/compare.html "
                + "(overlaid plots and the table of differences) and DIR/compare.csv, and prints the differences "
                + "that matter most.",
            "A directory that is not a memfleet results directory, or whose files are corrupt, is refused with "
                + "the file's name (exit status 2)."})
final class CompareCommand implements Callable<Integer> {
    static final int SHOWN = 15;
    private final Console io;

    CompareCommand(Console io) {
        this.io = io;
    }

    @Parameters(paramLabel = "DIR", arity = "2..*", description = "results directories of memfleet run, baseline first")
    List<Path> dirs;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "where to write the comparison")
    Path out;

    @Option(names = {"-q", "--quiet"}, description = "print only errors and the final line")
    boolean quiet;

    @Option(names = "--exact-cgroups", description = "a row per cgroup path, instead of folding the cgroups the "
            + "experiment did not declare (a workload's short-lived children) into their parent's pattern (/jobs/*)")
    boolean exactCgroups;

    @Option(names = "--force", description = "replace an earlier comparison in DIR (only memfleet's own files)")
    boolean force;

    @Override
    public Integer call() throws IOException {
        Path where = out.toAbsolutePath().normalize();
        for (Path d : dirs) {
            if (d.toAbsolutePath().normalize().startsWith(where)) {
                throw new UserError("--out " + out + ": holds " + d + ", one of the compared directories; name another",
                        2);
            }
        }
        List<ResultsDir> runs = read(dirs);
        Comparison c;
        try (ResultsTarget target = ResultsTarget.claim(out, "--out", force)) {
            c = writeComparison(runs, target.staging(), exactCgroups);
            target.commit();
        }
        List<Comparison.Row> diff = c.differing();
        if (!quiet) {
            for (Comparison.Row r : diff.subList(0, Math.min(SHOWN, diff.size()))) {
                StringBuilder line = new StringBuilder(String.format("%-16s %-22s", r.cgroup(), r.metric()));
                for (int i = 0; i < r.values().length; i++) {
                    line.append(String.format(" %14s", r.format(i)));
                }
                for (int i = 1; i < r.values().length; i++) {
                    line.append(String.format(" %8s", Units.percent(r.values()[0], r.values()[i])));
                }
                io.out().println(line.toString().stripTrailing());
            }
            if (diff.size() > SHOWN) {
                io.out().println("... " + (diff.size() - SHOWN) + " more in " + out.resolve("compare.csv"));
            }
        }
        io.out().printf("[compare] %d runs, %d of %d figures differ; wrote %s%n", c.runs().size(), diff.size(),
                c.rows().size(), out.resolve("compare.html"));
        return 0;
    }

    /** compare.html and compare.csv of {@code runs} in {@code out}. */
    static Comparison writeComparison(List<ResultsDir> runs, Path out, boolean exactCgroups) throws IOException {
        Comparison c = Comparison.of(runs, exactCgroups);
        Files.createDirectories(out);
        Files.writeString(out.resolve("compare.html"), CompareReport.render(c), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("compare.csv"), c.csv(), StandardCharsets.UTF_8);
        return c;
    }

    static List<ResultsDir> read(List<Path> dirs) {
        List<ResultsDir> runs = new ArrayList<>();
        for (Path d : dirs) {
            try {
                runs.add(ResultsDir.read(d));
            } catch (ResultsDirException e) {
                throw new UserError(e.getMessage(), 2);
            }
        }
        return runs;
    }
}
