package io.memfleet.cli;

import io.memfleet.report.ResultsDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code memfleet report DIR}: makes DIR/report.html and DIR/series.parquet again from DIR's files. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes DIR/report.html (and DIR/series.parquet) again from a results directory's own files; "
                + "memfleet run already writes both.")
final class ReportCommand implements Callable<Integer> {
    private final Console io;

    ReportCommand(Console io) {
        this.io = io;
    }

    @Parameters(paramLabel = "DIR", description = "a results directory of memfleet run")
    Path dir;

    @Option(names = "--exact-cgroups", description = "a row and line per cgroup path, instead of folding the cgroups "
            + "the experiment did not declare (a workload's short-lived children) into their parent's pattern (/jobs/*)")
    boolean exactCgroups;

    @Override
    public Integer call() throws IOException {
        ResultsDir r = CompareCommand.read(List.of(dir)).get(0);
        ResultsWriter.writeReport(r.dir(), exactCgroups);
        io.out().println("[report] wrote " + dir.resolve("report.html"));
        return 0;
    }
}
