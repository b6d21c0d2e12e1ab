package io.memfleet.agent.kafka;

import io.memfleet.protocol.NodeHeapCost;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The process's heap, watched two ways so that a node goes before the heap runs out and takes the
 * whole agent with it: the nodes' own estimates of what they hold ({@link #overBudget}, early and
 * steady), and the JVM's figure after a collection (when the old generation is still
 * {@link #FULL} full once collected, the next caller may shed a node, one per collection however
 * many agent loops the process runs).
 */
final class HeapWatch {
    /** The share of the old generation that, still in use after a collection, means pressure. */
    static final double FULL = 0.85;
    private static final HeapWatch SHARED = new HeapWatch(oldGeneration());

    private final MemoryPoolMXBean pool;
    private long claimedAt = -1;

    HeapWatch(MemoryPoolMXBean pool) {
        this.pool = pool;
    }

    static HeapWatch shared() {
        return SHARED;
    }

    /** The pool collections leave long-lived objects in (null when the collector has none that reports it). */
    private static MemoryPoolMXBean oldGeneration() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            String name = p.getName().toLowerCase(Locale.ROOT);
            if (p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()
                    && (name.contains("old") || name.contains("tenured"))) {
                return p;
            }
        }
        return null;
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /** What each agent loop's nodes hold by their own estimate, summed over the process by {@link #overBudget}. */
    private final Map<Object, Long> estimates = new HashMap<>();
    /** The loop that must shed a node when it next looks (the heaviest, once the agent is over budget), or null. */
    private volatile Object owedBy;
    private String owedWhy;

    /**
     * Records what {@code loop}'s nodes hold; once the estimates of every loop's nodes exceed 3/4 of
     * what the heap leaves them, the loop holding the most of them owes a node (so one goes at a
     * time). Why one of {@code loop}'s own nodes must go now, or null.
     */
    synchronized String overBudget(Object loop, long estimate) {
        estimates.put(loop, estimate);
        long budget = NodeHeapCost.nodesBudget(Runtime.getRuntime().maxMemory());
        long sum = 0;
        long most = estimate;
        Object heaviest = loop; // among equals, the loop that asks
        for (Map.Entry<Object, Long> e : estimates.entrySet()) {
            sum += e.getValue();
            if (e.getValue() > most) {
                most = e.getValue();
                heaviest = e.getKey();
            }
        }
        if (sum <= budget) {
            owedBy = null;
            return null;
        }
        owedWhy = String.format(Locale.ROOT, "the agent's nodes hold about %d MiB of its heap, more than the %d MiB (3/4 "
                + "of its heap less 128 MiB) they may take", sum >> 20, budget >> 20);
        owedBy = heaviest;
        return owed(loop);
    }

    /** Why one of {@code loop}'s nodes must go, when another loop's growth took the agent over budget; else null. */
    String owed(Object loop) {
        if (owedBy != loop) { // a volatile read: loops ask after every record
            return null;
        }
        synchronized (this) {
            if (owedBy != loop) {
                return null;
            }
            owedBy = null;
            return owedWhy;
        }
    }

    /** A loop that stopped holds nothing. */
    synchronized void forget(Object loop) {
        estimates.remove(loop);
        if (owedBy == loop) {
            owedBy = null;
        }
    }

    /**
     * Why a node must go now (the heap's state in words), or null: no pressure, or a node was
     * already shed since the last collection (its memory is freed by the next one).
     */
    synchronized String claim() {
        if (pool == null) {
            return null;
        }
        MemoryUsage u = pool.getCollectionUsage();
        if (u == null) {
            return null;
        }
        long max = u.getMax() > 0 ? u.getMax() : Runtime.getRuntime().maxMemory();
        if (u.getUsed() < FULL * max) {
            return null;
        }
        long gcs = collections();
        if (gcs == claimedAt) {
            return null;
        }
        claimedAt = gcs;
        return String.format(Locale.ROOT, "the agent's heap was %d%% full after a collection (%d of %d MiB)",
                Math.round(100.0 * u.getUsed() / max), u.getUsed() >> 20, max >> 20);
    }
}
