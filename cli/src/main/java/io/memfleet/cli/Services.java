package io.memfleet.cli;

import io.memfleet.agent.AgentConfig;
import io.memfleet.agent.kafka.AgentLoop;
import io.memfleet.agent.kafka.AgentSupervisor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

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

    private static void joinAll(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Blocks until the process is asked to stop, then closes {@code resources} in order. */
    static void serveUntilStopped(PrintStream log, AutoCloseable... resources) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeAll(log, resources);
            done.countDown();
        }, "memfleet-shutdown"));
        done.await();
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
