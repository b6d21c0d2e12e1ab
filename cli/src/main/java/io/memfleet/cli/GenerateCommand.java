package io.memfleet.cli;

import io.memfleet.workload.kafka.GeneratorConfig;
import io.memfleet.workload.kafka.GeneratorLoop;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code memfleet generate}: a workload generator that shares the running experiments' nodes with the others. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Runs a workload generator: it joins the generators' consumer group (the controller runs one "
                + "too), takes a share of the workload partitions, and publishes the events of the running "
                + "experiments' nodes there, a round at a time, no further ahead of the agents than --max-lag."})
final class GenerateCommand implements Callable<Integer> {
    private final Console io;

    GenerateCommand(Console io) {
        this.io = io;
    }

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--threads", converter = Converters.Threads.class, paramLabel = "N", defaultValue = "-1",
            description = "generator threads (default: one per core)")
    int threads;

    @Option(names = "--max-lag", paramLabel = "RECORDS", defaultValue = "20000",
            description = "records per workload partition the agents may be behind before generation waits "
                    + "(default: ${DEFAULT-VALUE})")
    long maxLag;

    @Option(names = "--steps-per-record", converter = Converters.Count.class, paramLabel = "N", defaultValue = "10",
            description = "workload steps of one node per Kafka record (default: ${DEFAULT-VALUE})")
    int stepsPerRecord;

    @Option(names = "--client-id", paramLabel = "ID", defaultValue = "${env:HOSTNAME:-memfleet-generator}",
            description = "Kafka client id (default: the host name)")
    String clientId;

    @Override
    public Integer call() throws InterruptedException {
        Shutdown.process().cooperate();
        Bootstrap b = Bootstrap.open(kafka, "generate", io.out());
        GeneratorConfig cfg;
        try {
            cfg = new GeneratorConfig(b.address(), b.topics(), clientId,
                    threads < 0 ? Runtime.getRuntime().availableProcessors() : threads, stepsPerRecord, maxLag);
        } catch (IllegalArgumentException e) {
            b.close();
            throw new UserError(e.getMessage(), 2);
        }
        GeneratorLoop g = new GeneratorLoop(cfg, io.err());
        Thread t = new Thread(g, "memfleet-generator");
        t.start();
        io.out().println("memfleet generate: running with " + cfg.threads() + " thread(s) in group "
                + kafka.topics().generatorGroup() + " on " + b.address());
        Services.serveUntilStopped(io.err(), "memfleet generate: stopped (other generators take its partitions)", () -> {
            g.close();
            t.join(Services.JOIN.toMillis());
        }, b);
        return 0;
    }
}
