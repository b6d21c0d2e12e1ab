package io.memfleet.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point behind {@code ./memfleet}: one command-line parser (picocli) for every command.
 * An unknown flag or a bad value exits with status 2 and a message naming the flag; a user's
 * mistake found later (an invalid experiment file, an unreachable cluster) is one line of text,
 * never a stack trace.
 */
@Command(name = "memfleet", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Simulates what a kernel memory policy does to a fleet: Linux 3.3 memory cgroups with the "
                + "memcg kmem v2 series, many simulated nodes per process, connected through Kafka.",
        subcommands = {RunCommand.class, CompareCommand.class, ReportCommand.class, ExportCommand.class, DemoCommand.class, SimCommand.class,
            ClusterCommand.class, TraceCommand.class, ControllerCommand.class, AgentCommand.class, GenerateCommand.class, BrokerCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is missing");
    }

    public static void main(String[] args) {
        Shutdown.process().install();
        int status = execute(args, System.out, System.err);
        Shutdown.process().finished(); // a Ctrl-C's hook waits for this before the process ends
        System.exit(status); // never left waiting on a broker or agent thread after a failure
    }

    /** Runs the command line; returns the exit status. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = commandLine(new Console(out, err));
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler((ex, a) -> {
            String name = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(name + ": " + UsageErrors.describe(ex));
            err.println("(" + name + " --help lists the options)");
            return CommandLine.ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            String name = c.getCommandSpec().qualifiedName();
            if (ex instanceof UserError u) {
                err.println(name + ": " + u.getMessage());
                return u.status();
            }
            err.println(name + ": failed: " + ex);
            if (System.getenv("MEMFLEET_DEBUG") != null) {
                ex.printStackTrace(err);
            } else {
                err.println("(set MEMFLEET_DEBUG=1 for the stack trace)");
            }
            return 1;
        });
        return cl.execute(args);
    }

    /** The parser with every command, for the launcher and for tools that check command lines. */
    public static CommandLine commandLine() {
        return commandLine(new Console(System.out, System.err));
    }

    private static CommandLine commandLine(Console io) {
        CommandLine cl = new CommandLine(new Main(), new ConsoleFactory(io));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    /** Creates commands with the console they print to. */
    private record ConsoleFactory(Console io) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                java.lang.reflect.Constructor<K> c = cls.getDeclaredConstructor(Console.class);
                return c.newInstance(io);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
