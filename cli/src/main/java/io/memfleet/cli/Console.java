package io.memfleet.cli;

import java.io.PrintStream;

/** Where a command prints: the streams {@link Main#execute} was given (the terminal, or a test's buffers). */
record Console(PrintStream out, PrintStream err) { }
