package io.memfleet.workload.kafka;

import java.io.PrintStream;

/**
 * A generator on its own thread, as whoever composes a fleet starts one (the command line beside
 * its controller, a test beside its agents): closing stops the loop and waits for its thread.
 */
public final class RunningGenerator implements AutoCloseable {
    private static final long JOIN_MS = 15_000;

    private final GeneratorLoop loop;
    private final Thread thread;

    private RunningGenerator(GeneratorLoop loop) {
        this.loop = loop;
        this.thread = new Thread(loop, "memfleet-generator");
    }

    /** Starts a generator with {@code cfg}; it logs to {@code log}. */
    public static RunningGenerator start(GeneratorConfig cfg, PrintStream log) {
        RunningGenerator g = new RunningGenerator(new GeneratorLoop(cfg, log));
        g.thread.start();
        return g;
    }

    public GeneratorLoop loop() {
        return loop;
    }

    @Override
    public void close() {
        loop.close();
        try {
            thread.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
