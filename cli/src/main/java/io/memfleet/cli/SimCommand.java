package io.memfleet.cli;

import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.script.ScriptRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code memfleet sim FILE|-}: runs one script, exactly as SIM-SCRIPT.md specifies. */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Runs a .msim script (SIM-SCRIPT.md) against one fresh simulated node and prints its output. "
                + "'-' reads the script from standard input.",
            "Exit status: 0, or 2 with 'line N: reason' on standard error for a line that cannot be parsed."})
final class SimCommand implements Callable<Integer> {
    private final Console io;

    SimCommand(Console io) {
        this.io = io;
    }

    @Parameters(paramLabel = "FILE|-", description = "the script")
    String file;

    @Option(names = "--kernel", paramLabel = "OPTIONS", defaultValue = "", converter = Converters.Kernel.class,
            description = "comma-separated kernel options: " + KernelConfig.OPTIONS)
    KernelConfig kernel;

    @Override
    public Integer call() {
        PrintStream out = io.out();
        try (BufferedReader reader = file.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            ScriptRunner.Result r = ScriptRunner.run(reader.lines().iterator(), kernel, out::append);
            out.flush();
            if (r.error() != null) {
                io.err().println(r.error());
            }
            return r.exitStatus();
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (IOException | UncheckedIOException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }
}
