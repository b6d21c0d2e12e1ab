package io.memfleet.cli;

import io.memfleet.agent.AgentConfig;
import io.memfleet.agent.kafka.AgentLoop;
import io.memfleet.agent.kafka.AgentSupervisor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Long-running parts of a process (agent loops, a controller, a generator) and how the process
 * waits for Ctrl-C or SIGTERM and then stops them in order.
 */
final class Services {
    private Services() {
    }

    /** Agent loops of one process, each a consumer of the agents' group, on their own threads. */
    record Agents(List<AgentLoop> loops, List<Thread> threads) implements AutoCloseable {
        static Agents start(AgentConfig cfg, int n, PrintStream log) {
            List<AgentLoop> loops = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                loops.add(new AgentLoop(clientConfig(cfg, n, i), log));
            }
            return new Agents(loops, startAll(loops));
        }

        boolean anyRunning() {
            return loops.stream().anyMatch(AgentLoop::isRunning);
        }

        /** Stops every loop without committing (their state is being thrown away); close() then joins them. */
        void crash() {
            loops.forEach(AgentLoop::crash);
        }

        long eventsApplied() {
            return loops.stream().mapToLong(l -> l.status().eventsApplied()).sum();
        }

        @Override
        public void close() {
            loops.forEach(AgentLoop::close);
            joinAll(threads);
        }
    }

    /**
     * Agent loops of a standing agent process, each kept running through broker outages by its
     * supervisor (restarted with backoff, resuming from the last commit).
     */
    record SupervisedAgents(List<AgentSupervisor> supervisors, List<Thread> threads) implements AutoCloseable {
        static SupervisedAgents start(AgentConfig cfg, int n, PrintStream log) {
            List<AgentSupervisor> sups = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sups.add(new AgentSupervisor(clientConfig(cfg, n, i), log));
            }
            return new SupervisedAgents(sups, startAll(sups));
        }

        /** The loops now. */
        List<AgentLoop> loops() {
            return supervisors.stream().map(AgentSupervisor::current).toList();
        }

        /** The first supervisor's fatal Error, or null while none has one. */
        Throwable fatal() {
            return supervisors.stream().map(AgentSupervisor::fatal).filter(java.util.Objects::nonNull).findFirst()
                    .orElse(null);
        }

        @Override
        public void close() {
            supervisors.forEach(AgentSupervisor::close);
            joinAll(threads);
        }
    }

    /** Loop i of n in one process: its own Kafka client id when there are several. */
    private static AgentConfig clientConfig(AgentConfig cfg, int n, int i) {
        return n == 1 ? cfg : cfg.withClientId(cfg.clientId() + "-" + i);
    }

    /** Starts each on a thread of its own, named memfleet-agent-N. */
    private static List<Thread> startAll(List<? extends Runnable> loops) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            Thread t = new Thread(loops.get(i), "memfleet-agent-" + i);
            threads.add(t);
            t.start();
        }
        return threads;
    }

    /** Joins every thread within one deadline (a stop must fit in Shutdown's grace, whatever the loops do). */
    private static void joinAll(List<Thread> threads) {
        long deadline = System.nanoTime() + JOIN.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How long stopping a process's loops may take in all; a loop still running after that is left to the exit. */
    static final java.time.Duration JOIN = java.time.Duration.ofSeconds(5);

    /**
     * Blocks until the process is asked to stop (Ctrl-C, SIGTERM), then closes {@code resources} in
     * order on this thread and prints {@code stopped}: the one line that says what happened.
     */
    static void serveUntilStopped(PrintStream log, String stopped, AutoCloseable... resources) throws InterruptedException {
        Shutdown.process().cooperate();
        Shutdown.process().awaitRequest();
        closeAll(log, resources);
        log.println(stopped);
    }

    static void closeAll(PrintStream log, AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                log.println("memfleet: shutdown: " + e);
            }
        }
    }
}
