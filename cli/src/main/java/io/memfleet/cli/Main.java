package io.memfleet.cli;

import io.memfleet.agent.AgentMain;
import io.memfleet.broker.BrokerMain;
import io.memfleet.controller.ControllerMain;
import java.io.PrintStream;
import java.util.Arrays;

/** The entry point behind ./memfleet: dispatches subcommands. */
public final class Main {
    private Main() {
    }

    static final String BROKER_HELP = """
            usage: memfleet broker [--data DIR] [--port N]

            Runs a single-node KRaft Kafka broker (from Apache Kafka's Maven artifacts) on 127.0.0.1
            and prints 'bootstrap=127.0.0.1:PORT' when it is ready. Without --data it uses a temporary
            directory removed at exit. Stop it with Ctrl-C or SIGTERM.
            """;

    static final String USAGE = """
            usage: memfleet <command> [options]

            commands:
              sim FILE|-     run a .msim script against one simulated node (SIM-SCRIPT.md)
              agent          run a node-agent (embedded Kafka broker unless --bootstrap is given)
              broker         run the embedded single-node Kafka broker on its own
              controller     run the controller: HTTP API, dashboard, /metrics, config rollouts
              run FILE       run an experiment end to end and write its results (--out DIR)
              demo           run the bundled demo experiment and keep the API up until Ctrl-C
              help           this text

            Run 'memfleet <command> --help' for a command's options.
            """;

    public static void main(String[] args) {
        int status = 1;
        try {
            status = run(args, System.in, System.out, System.err);
        } catch (Exception | Error e) {
            System.err.println("memfleet: " + e);
        } finally {
            System.exit(status); // never left waiting on a broker or agent thread after a failure
        }
    }

    static int run(String[] args, java.io.InputStream in, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.print(USAGE);
            return args.length == 0 ? 1 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "sim" -> SimCommand.run(rest, in, out, err);
            case "agent" -> AgentMain.run(rest, out, err);
            case "controller" -> ControllerMain.controller(rest, out, err);
            case "run" -> ControllerMain.run(rest, out, err);
            case "demo" -> ControllerMain.demo(rest, out, err);
            case "broker" -> {
                if (Arrays.asList(rest).contains("--help")) {
                    out.print(BROKER_HELP);
                    yield 0;
                }
                BrokerMain.main(rest);
                yield 0;
            }
            default -> {
                err.println("memfleet: unknown command '" + args[0] + "'");
                err.print(USAGE);
                yield 1;
            }
        };
    }
}
