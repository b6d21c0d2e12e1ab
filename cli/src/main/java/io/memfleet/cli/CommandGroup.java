package io.memfleet.cli;

import picocli.CommandLine;

/**
 * A command that only groups subcommands ({@code trace import}, {@code export}): run alone, it is
 * a usage error that names what is missing and the subcommands that would fill it.
 */
abstract class CommandGroup implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** What the missing word is: "a subcommand", "a source", "a format". */
    abstract String missing();

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), missing() + " is missing ("
                + String.join(", ", spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList()) + ")");
    }
}
