package io.memfleet.agent.core;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memfleet.common.kafka.Partitions;
import io.memfleet.protocol.ConfigPlan;
import io.memfleet.protocol.NodeIds;
import io.memfleet.protocol.WorkloadReader;
import io.memfleet.proto.v1.ConfigAck;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.FileAck;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a node-agent decides, with no I/O: which node a workload record belongs to and
 * whether it may apply (right partition, decodable, the node restorable), which events apply,
 * are duplicates or are dead-lettered, what telemetry, final states and configuration acks to
 * send, and at a commit which snapshot records to store before which offsets, and what to retire
 * after. The Kafka adapter polls, calls these methods, sends what they return and commits.
 * Not thread-safe: one adapter thread owns it.
 */
public final class AgentCore {
    private final AgentSettings settings;
    private final String workloadTopic;
    private final String configTopic;
    private final Map<String, HostedNode> nodes = new HashMap<>();
    private final Map<Integer, Set<String>> byPartition = new HashMap<>();
    /** Nodes whose snapshot could not be restored or that were quarantined, with why: their events are dead-lettered. */
    private final Map<String, String> broken = new HashMap<>();
    /** Next offset to commit per workload partition. */
    private final Map<Integer, Long> processed = new HashMap<>();
    private final Map<String, ConfigRollout> desired = new LinkedHashMap<>();
    /** Recently released nodes and their last seq: redelivered events are duplicates, later ones dead letters. */
    private final Map<String, Long> releasedRecently = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_REMEMBERED_RELEASES;
        }
    };
    private static final int MAX_REMEMBERED_RELEASES = 100_000;
    private final Stats stats = new Stats();
    private final io.memfleet.protocol.TelemetryWriter writer = new io.memfleet.protocol.TelemetryWriter();
    private long heapEstimate;

    /** Running totals, for the agent's metrics and the tests. */
    public static final class Stats {
        public long records;
        public long applied;
        public long duplicates;
        public long deadLettered;
        public long telemetry;
        public long restoreFailures;
        public long checkpoints;
        public long released;
        public long quarantined;
    }

    public AgentCore(AgentSettings settings, String workloadTopic, String configTopic) {
        this.settings = settings;
        this.workloadTopic = workloadTopic;
        this.configTopic = configTopic;
    }

    public Stats stats() {
        return stats;
    }

    public int hostedNodes() {
        return nodes.size();
    }

    /** The partition a node's records live in. */
    public int homePartition(String nodeId) {
        return Partitions.of(nodeId, settings.partitions());
    }

    private Outbox count(Outbox o) {
        stats.applied += o.applied;
        stats.duplicates += o.duplicates;
        stats.deadLettered += o.deadLettered;
        stats.telemetry += o.telemetry;
        return o;
    }

    // ---- workload ------------------------------------------------------------------------

    /** Handles one workload record; its offset counts as processed whatever became of it. */
    public Outbox workload(int partition, long offset, String key, byte[] value) {
        stats.records++;
        processed.put(partition, offset + 1);
        Outbox out = new Outbox(writer);
        EventPath.RecordRef ref = new EventPath.RecordRef(workloadTopic, partition, offset, key, value);
        if (key == null || value == null) {
            out.deadLetter(ref, "record without a node id key or a value");
            return count(out);
        }
        if (!NodeIds.valid(key)) {
            String shown = (key.length() > 80 ? key.substring(0, 80) + "..." : key).replaceAll("\\p{Cntrl}", "?");
            out.deadLetter(ref, "not a node id: '" + shown
                    + "' (1-" + NodeIds.MAX_LENGTH + " characters of A-Z a-z 0-9 . _ - : /, no empty, '.' or '..' part)");
            return count(out);
        }
        int home = homePartition(key);
        if (partition != home) {
            out.deadLetter(ref, "record for node " + key + " on partition " + partition + "; the node's partition is "
                    + home + " (key hash, as Kafka's default partitioner)");
            return count(out);
        }
        String why = broken.get(key);
        if (why != null) {
            out.deadLetter(ref, "node " + key + ": " + why + "; its events are not applied");
            return count(out);
        }
        HostedNode n = nodes.get(key);
        boolean fresh = n == null;
        if (fresh) {
            n = new HostedNode(key, partition, settings.kernel(), settings.telemetryIntervalNs());
            n.heapBudget = settings.nodeHeapBudget();
            Long gone = releasedRecently.get(key);
            if (gone != null) {
                n.lastSeq = gone; // a stand-in that only tells duplicates from dead letters; never hosted
                n.events = 1;
                n.released = true;
                fresh = false;
            }
        }
        EventPath path = EventPath.live(n, out, ref);
        try {
            WorkloadReader.read(value, key, path);
        } catch (WorkloadReader.MalformedBatchException e) {
            out.deadLetter(ref, e.getMessage());
            return count(out);
        } catch (NodeHeap.Refused e) {
            return count(quarantine(n, out, e.getMessage(), ref));
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return count(quarantine(n, out, "quarantined after an unexpected failure applying record " + ref.topic() + "/"
                    + ref.partition() + "@" + ref.offset() + " (" + e + ")", ref));
        }
        if (path.eventCount() == 0) {
            out.deadLetter(ref, "node " + key + ": a record without events (a producer's mistake; nothing to apply)");
            return count(out);
        }
        if (path.appliedCount() > 0) {
            if (fresh) {
                host(n);
            }
            if (!nodes.containsKey(n.id)) {
                return count(out);
            }
            n.log.append(path.logBytes());
            if (path.firstSeq() > 0) {
                n.recent.add(path.firstSeq(), value);
            }
            reconcile(n, out);
            countHeap(n);
        }
        return count(out);
    }

    /**
     * A node whose event failed in a way nothing expects (a defect of the model or of this agent):
     * it is dropped, its record dead-lettered with the reason, a last telemetry sample marks it
     * failed, and later records for it are dead-lettered; every other node goes on.
     */
    private Outbox quarantine(HostedNode n, Outbox out, String why, EventPath.RecordRef ref) {
        drop(n.id);
        broken.put(n.id, why);
        stats.quarantined++;
        if (ref != null) {
            out.deadLetter(ref, "node " + n.id + ": " + why);
        }
        out.telemetry(n.id, n.failedSample(why));
        out.note("node " + n.id + " " + why);
        return out;
    }

    /**
     * The agent's heap is under pressure: the node holding the most of it is quarantined (its last
     * sample says why, so its experiment fails with the reason) and the agent goes on with the others.
     */
    public Outbox shedHeaviest(String pressure) {
        Outbox out = new Outbox(writer);
        HostedNode heaviest = NodeHeap.heaviest(nodes.values());
        if (heaviest != null) {
            quarantine(heaviest, out, "quarantined: " + pressure + "; this node held the most of it (about "
                    + NodeHeap.mib(heaviest.heapEstimate) + ")", null);
        }
        return out;
    }

    private void host(HostedNode n) {
        nodes.put(n.id, n);
        byPartition.computeIfAbsent(n.partition, p -> new HashSet<>()).add(n.id);
    }

    // ---- configuration ---------------------------------------------------------------------

    /** A record of the desired-state topic (null value: the rollout was deleted). */
    public Outbox rollout(long offset, String key, byte[] value) {
        Outbox out = new Outbox(writer);
        if (value == null) {
            desired.remove(key);
            return out;
        }
        try {
            ConfigRollout ro = ConfigRollout.parseFrom(value);
            desired.remove(ro.getRolloutId());
            desired.put(ro.getRolloutId(), ro);
        } catch (InvalidProtocolBufferException e) {
            out.deadLetter(new EventPath.RecordRef(configTopic, 0, offset, key, value),
                    "not a ConfigRollout: " + e.getMessage());
            return count(out);
        }
        for (HostedNode n : sortedNodes(nodes.values())) {
            reconcile(n, out);
        }
        return count(out);
    }

    /** Applies every desired rollout that selects the node and is newer than what it has; acks each file. */
    private void reconcile(HostedNode n, Outbox out) {
        if (desired.isEmpty() || n.released) {
            return;
        }
        if (io.memfleet.protocol.NodeIds.experimentOf(n.id) != null) {
            return; // an experiment's nodes take configuration only from its file (its rollouts)
        }
        for (ConfigRollout ro : desired.values()) {
            if (!ConfigPlan.selects(ro.getSelector(), n.id)
                    || n.appliedRollouts.getOrDefault(ro.getRolloutId(), -1L) >= ro.getGeneration()) {
                continue;
            }
            List<ConfigPlan.Write> plan = ConfigPlan.plan(ro.getCgroupsList(), n.kernel().image());
            io.memfleet.protocol.WorkloadWriter logged = new io.memfleet.protocol.WorkloadWriter().reset(n.id);
            List<FileAck> acks = new ArrayList<>(plan.size());
            for (ConfigPlan.Write w : plan) {
                io.memfleet.kernel.api.Result r = n.step(0, w.command());
                logged.command(0, w.command());
                acks.add(FileAck.newBuilder().setPath(w.target()).setValue(w.value()).setErrno(r.errno().name()).build());
                byte[] t = n.dueSample(out.writer());
                if (t != null) {
                    out.telemetry(n.id, t);
                }
            }
            n.log.append(logged.toByteArray());
            n.appliedRollouts.put(ro.getRolloutId(), ro.getGeneration());
            n.dirty = true;
            out.ack(ConfigAck.newBuilder().setRolloutId(ro.getRolloutId()).setGeneration(ro.getGeneration())
                    .setNodeId(n.id).addAllFiles(acks).setComplete(true).build());
        }
    }

    private static List<HostedNode> sortedNodes(Collection<HostedNode> ns) {
        List<HostedNode> l = new ArrayList<>(ns);
        l.sort((a, b) -> a.id.compareTo(b.id));
        return l;
    }

    // ---- snapshots, commits and assignment ------------------------------------------------

    /**
     * The commit of {@code partitions}: a record per changed node (a segment, a checkpoint when the
     * segments since the last one have grown past the policy, a release marker for a released node,
     * with tombstones for the keys they retire), then the processed offsets. The nodes' logs restart
     * now; if storing fails, the adapter stops without committing and the next owner replays.
     */
    public CommitPlan commit(Collection<Integer> partitions) {
        List<Send> snapshots = new ArrayList<>();
        List<Send> after = new ArrayList<>();
        Map<Integer, Long> offsets = new TreeMap<>();
        for (int p : partitions) {
            Long next = processed.get(p);
            if (next != null) {
                offsets.put(p, next);
            }
            for (String id : sortedIds(p)) {
                HostedNode n = nodes.get(id);
                if (n.released) {
                    release(n, snapshots, after);
                } else if (n.dirty) {
                    store(n, snapshots);
                }
            }
        }
        return new CommitPlan(snapshots, offsets, after);
    }

    private List<String> sortedIds(int partition) {
        List<String> ids = new ArrayList<>(byPartition.getOrDefault(partition, Set.of()));
        ids.sort(null);
        return ids;
    }

    private void store(HostedNode n, List<Send> snapshots) {
        long logged = n.log.size();
        boolean compact = n.bytesSinceCheckpoint + logged > Math.max(settings.checkpointMinBytes(),
                settings.checkpointFactor() * n.lastCheckpointBytes);
        if (compact) {
            byte[] ckpt = n.checkpointRecord().toByteArray();
            snapshots.add(new Send(Send.Channel.SNAPSHOTS, n.partition, SnapshotKeys.checkpoint(n.id), ckpt));
            for (long s = n.firstSegmentSinceCheckpoint; s < n.segment; s++) {
                snapshots.add(new Send(Send.Channel.SNAPSHOTS, n.partition, SnapshotKeys.segment(n.id, s), null));
            }
            n.firstSegmentSinceCheckpoint = n.segment;
            n.lastCheckpointBytes = ckpt.length;
            n.bytesSinceCheckpoint = 0;
            stats.checkpoints++;
        } else {
            snapshots.add(new Send(Send.Channel.SNAPSHOTS, n.partition, SnapshotKeys.segment(n.id, n.segment),
                    n.segmentRecord().toByteArray()));
            n.segment++;
            n.bytesSinceCheckpoint += logged;
        }
        n.log.clear();
        n.dirty = false;
    }

    /** A released node: a marker now, its segments retired; the marker itself goes once the offsets are committed. */
    private void release(HostedNode n, List<Send> snapshots, List<Send> after) {
        String marker = SnapshotKeys.checkpoint(n.id);
        snapshots.add(new Send(Send.Channel.SNAPSHOTS, n.partition, marker,
                n.state().setSegment(n.segment).setReleased(true).build().toByteArray()));
        for (long s = n.firstSegmentSinceCheckpoint; s < n.segment; s++) {
            snapshots.add(new Send(Send.Channel.SNAPSHOTS, n.partition, SnapshotKeys.segment(n.id, s), null));
        }
        after.add(new Send(Send.Channel.SNAPSHOTS, n.partition, marker, null));
        drop(n.id);
        releasedRecently.put(n.id, n.lastSeq);
        stats.released++;
    }

    /** The node's latest heap estimate in the agent's total. */
    private void countHeap(HostedNode n) {
        heapEstimate += n.heapEstimate - n.heapCounted;
        n.heapCounted = n.heapEstimate;
    }

    /** About what the hosted nodes hold of the heap, from their last samples' slab memory ({@link NodeHeap}). */
    public long heapEstimate() {
        return heapEstimate;
    }

    private void drop(String id) {
        HostedNode n = nodes.remove(id);
        if (n != null) {
            heapEstimate -= n.heapCounted;
            Set<String> ids = byPartition.get(n.partition);
            if (ids != null) {
                ids.remove(id);
            }
        }
    }

    /** Partitions are gone (revoked after their commit, or lost): their nodes are dropped. */
    public void revoked(Collection<Integer> partitions) {
        for (int p : partitions) {
            for (String id : new ArrayList<>(byPartition.getOrDefault(p, Set.of()))) {
                drop(id);
                broken.remove(id);
            }
            broken.keySet().removeIf(id -> homePartition(id) == p);
            byPartition.remove(p);
            processed.remove(p);
        }
    }

    /** A partition was assigned: its nodes are rebuilt from its snapshot records, read from the start. */
    public Outbox assigned(int partition, List<StoredRecord> snapshotRecords) {
        Outbox out = new Outbox(writer);
        NodeRestorer.Restored r = NodeRestorer.restore(partition, snapshotRecords, settings.telemetryIntervalNs(), out);
        for (HostedNode n : r.nodes()) {
            host(n);
        }
        r.broken().forEach((id, why) -> broken.put(id, "its state could not be restored from its snapshot (" + why
                + "); events are not applied to an empty node"));
        stats.restoreFailures += r.broken().size();
        for (String key : r.retire()) {
            out.snapshot(new Send(Send.Channel.SNAPSHOTS, partition, key, null));
        }
        for (HostedNode n : sortedNodes(r.nodes())) {
            reconcile(n, out);
        }
        return count(out);
    }
}
