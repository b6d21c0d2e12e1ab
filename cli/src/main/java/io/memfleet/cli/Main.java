package io.memfleet.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** The entry point behind ./memfleet: dispatches subcommands. */
public final class Main {
    private Main() {
    }

    static final String USAGE = """
            usage: memfleet <command> [options]

            commands:
              sim FILE|-     run a .msim script against one simulated node (SIM-SCRIPT.md)
              help           this text

            Run 'memfleet <command> --help' for a command's options.
            """;

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, java.io.InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(USAGE);
            return args.length == 0 ? 1 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "sim" -> SimCommand.run(rest, in, out, err);
            default -> {
                err.println("memfleet: unknown command '" + args[0] + "'");
                err.print(USAGE);
                yield 1;
            }
        };
    }
}
