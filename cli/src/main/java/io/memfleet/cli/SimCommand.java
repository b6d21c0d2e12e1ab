package io.memfleet.cli;

import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.script.ScriptRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** {@code memfleet sim FILE|-}: runs one script, exactly as SIM-SCRIPT.md specifies. */
final class SimCommand {
    static final String HELP = """
            usage: memfleet sim [--kernel OPTIONS] FILE|-

            Runs a .msim script (SIM-SCRIPT.md) against a fresh simulated node and prints its output.
            '-' reads the script from standard input. Exit status: 0, or 2 with 'line N: reason' on
            standard error for a script that cannot be parsed.

              --kernel OPTIONS   comma-separated kernel options:
                                 %s
            """.formatted(KernelConfig.OPTIONS);

    private SimCommand() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        KernelConfig config = KernelConfig.DEFAULT;
        String file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    out.print(HELP);
                    return 0;
                }
                case "--kernel" -> {
                    if (i + 1 >= args.length) {
                        err.println("memfleet sim: --kernel needs a value");
                        return 1;
                    }
                    try {
                        config = KernelConfig.parse(args[++i]);
                    } catch (IllegalArgumentException e) {
                        err.println("memfleet sim: " + e.getMessage());
                        return 1;
                    }
                }
                default -> {
                    if (file != null) {
                        err.println("memfleet sim: one script at a time");
                        return 1;
                    }
                    file = args[i];
                }
            }
        }
        if (file == null) {
            err.print(HELP);
            return 1;
        }
        try (BufferedReader reader = file.equals("-")
                ? new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            ScriptRunner.Result r = ScriptRunner.run(reader.lines().iterator(), config, out::append);
            out.flush();
            if (r.error() != null) {
                err.println(r.error());
            }
            return r.exitStatus();
        } catch (NoSuchFileException e) {
            err.println("memfleet sim: " + file + ": no such file");
            return 1;
        } catch (IOException | UncheckedIOException e) {
            err.println("memfleet sim: " + file + ": " + e.getMessage());
            return 1;
        }
    }
}
