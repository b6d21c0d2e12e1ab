package io.memfleet.agent.core;

import com.google.protobuf.InvalidProtocolBufferException;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.protocol.WorkloadReader;
import io.memfleet.proto.v1.NodeSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds the nodes of one partition from its snapshot records: per node the newest checkpoint
 * (or none), then the segments after it, replayed in order; the result is checked against the
 * last record's state. Released nodes are not rebuilt. Records that no longer matter (segments a
 * checkpoint covers, release markers) are answered with tombstones, so compaction removes them.
 */
final class NodeRestorer {
    /** A node's records as found: the live checkpoint and the segments by number. */
    private static final class Chain {
        NodeSnapshot checkpoint;
        String checkpointKey;
        boolean released;
        final TreeMap<Long, NodeSnapshot> segments = new TreeMap<>();
    }

    /** What a partition's snapshot records come to. */
    record Restored(List<HostedNode> nodes, Map<String, String> broken, List<String> retire) { }

    private NodeRestorer() {
    }

    static Restored restore(int partition, List<StoredRecord> records, long telemetryIntervalNs, Outbox out) {
        Map<String, Chain> chains = new LinkedHashMap<>();
        for (StoredRecord r : records) {
            SnapshotKeys.Parsed k = SnapshotKeys.parse(r.key());
            if (k == null) {
                out.note("snapshot record at offset " + r.offset() + " of partition " + partition
                        + " has a key of no node (" + r.key() + "); ignored");
                continue;
            }
            Chain c = chains.computeIfAbsent(k.node(), n -> new Chain());
            NodeSnapshot s = null;
            if (r.value() != null) {
                try {
                    s = NodeSnapshot.parseFrom(r.value());
                } catch (InvalidProtocolBufferException e) {
                    out.note("snapshot record " + r.key() + " at offset " + r.offset() + " of partition " + partition
                            + " is not a NodeSnapshot; ignored");
                    continue;
                }
            }
            if (k.isCheckpoint()) {
                c.checkpoint = s != null && !s.getReleased() ? s : null;
                c.checkpointKey = r.key();
                c.released = s != null && s.getReleased();
            } else if (s == null) {
                c.segments.remove(k.segment());
            } else {
                c.segments.put(k.segment(), s);
            }
        }
        List<HostedNode> nodes = new ArrayList<>();
        Map<String, String> broken = new LinkedHashMap<>();
        List<String> retire = new ArrayList<>();
        for (Map.Entry<String, Chain> e : chains.entrySet()) {
            String id = e.getKey();
            Chain c = e.getValue();
            if (c.released) {
                retire.add(c.checkpointKey);
                c.segments.keySet().forEach(n -> retire.add(SnapshotKeys.segment(id, n)));
                continue;
            }
            if (c.checkpoint == null && c.segments.isEmpty()) {
                continue; // every record of the node was tombstoned
            }
            try {
                nodes.add(rebuild(id, partition, c, telemetryIntervalNs, retire, out.writer()));
            } catch (RuntimeException ex) {
                broken.put(id, ex.getMessage());
                out.note("snapshot of node " + id + " in partition " + partition + " cannot be restored ("
                        + ex.getMessage() + "); its events are dead-lettered");
            }
        }
        return new Restored(nodes, broken, retire);
    }

    private static HostedNode rebuild(String id, int partition, Chain c, long telemetryIntervalNs, List<String> retire,
                                      io.memfleet.protocol.TelemetryWriter writer) {
        NodeSnapshot first = c.checkpoint != null ? c.checkpoint : c.segments.firstEntry().getValue();
        HostedNode n = new HostedNode(id, partition, KernelConfig.parse(first.getKernelOptions()), telemetryIntervalNs);
        long next = 0;
        NodeSnapshot last = first;
        if (c.checkpoint != null) {
            n.restoreKernel(c.checkpoint.getKernelCheckpoint().toByteArray());
            n.restoreState(c.checkpoint);
            next = c.checkpoint.getSegment();
            n.lastCheckpointBytes = c.checkpoint.getSerializedSize();
        }
        n.firstSegmentSinceCheckpoint = next;
        for (Map.Entry<Long, NodeSnapshot> s : c.segments.entrySet()) {
            if (s.getKey() < next) {
                retire.add(SnapshotKeys.segment(id, s.getKey())); // covered by the checkpoint
                continue;
            }
            if (s.getKey() != next) {
                throw new IllegalStateException("segment " + next + " is missing");
            }
            replay(n, s.getValue(), writer);
            n.bytesSinceCheckpoint += s.getValue().getEventLog().size();
            last = s.getValue();
            next++;
        }
        n.segment = next;
        if (n.events != last.getEvents() || n.telemetrySeq != last.getTelemetrySeq()
                || n.nextTelemetryNs != last.getNextTelemetryNs()) {
            throw new IllegalStateException("the replay diverged from the snapshot (events " + n.events + " vs "
                    + last.getEvents() + ")");
        }
        n.restoreState(last);
        n.log.clear();
        n.dirty = false;
        return n;
    }

    /** Replays one segment's events through the same path live events take. */
    private static void replay(HostedNode n, NodeSnapshot segment, io.memfleet.protocol.TelemetryWriter writer) {
        EventPath path = EventPath.replay(n, writer);
        ByteLog.forEach(segment.getEventLog().toByteArray(), chunk -> {
            try {
                WorkloadReader.read(chunk, n.id, path);
            } catch (WorkloadReader.MalformedBatchException e) {
                throw new IllegalStateException("a logged batch does not decode: " + e.getMessage());
            }
        });
    }
}
