package io.memfleet.controller.model;

/**
 * OOM kills and allocation failures charged to one cgroup (on one node, or over a row of nodes):
 * how many of each, the simulated time of the first of each ({@link CgroupAggregate#NEVER} while
 * there is none), and, summed over nodes, how many nodes had any of each.
 */
final class EventTally {
    long oomKills;
    long allocFailures;
    long firstOomKillNs = CgroupAggregate.NEVER;
    long firstAllocFailureNs = CgroupAggregate.NEVER;
    long oomNodes;
    long allocFailureNodes;

    void oomKill(long simTimeNs) {
        oomKills++;
        firstOomKillNs = Math.min(firstOomKillNs, simTimeNs);
    }

    void allocFailure(long simTimeNs) {
        allocFailures++;
        firstAllocFailureNs = Math.min(firstAllocFailureNs, simTimeNs);
    }

    /** Adds {@code other}'s counts and keeps the earlier first times. */
    void add(EventTally other) {
        oomKills += other.oomKills;
        allocFailures += other.allocFailures;
        firstOomKillNs = Math.min(firstOomKillNs, other.firstOomKillNs);
        firstAllocFailureNs = Math.min(firstAllocFailureNs, other.firstAllocFailureNs);
    }

    /** Adds one node's tally, counting the node among those with kills or failures. */
    void addNode(EventTally node) {
        add(node);
        oomNodes += node.oomKills > 0 ? 1 : 0;
        allocFailureNodes += node.allocFailures > 0 ? 1 : 0;
    }
}
