package io.memfleet.agent.core;

import io.memfleet.protocol.WorkloadWriter;
import io.memfleet.proto.v1.DeadLetter;
import io.memfleet.proto.v1.NodeTelemetry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives an {@link AgentCore} as its adapter would, with the topics it writes kept in memory: sends
 * are appended per channel, and commits store the snapshot records and then the offsets. Records
 * of a node are numbered per node from 1.
 */
final class CoreHarness {
    static final String WORKLOAD = "t.workload.v1";
    final AgentCore core;
    final int partitions;
    final Map<Send.Channel, List<Send>> sent = new HashMap<>();
    /** The snapshot topic, per partition, in append order (tombstones included). */
    final Map<Integer, List<StoredRecord>> snapshots = new HashMap<>();
    final Map<Integer, Long> committed = new HashMap<>();
    final Map<String, Long> seq = new HashMap<>();
    final Map<Integer, Long> offsets = new HashMap<>();
    final List<String> log = new ArrayList<>();

    CoreHarness(AgentSettings s) {
        this.core = new AgentCore(s, WORKLOAD, "t.config.desired.v1");
        this.partitions = s.partitions();
    }

    void take(Outbox o) {
        for (Send s : o.sends()) {
            if (s.channel() == Send.Channel.SNAPSHOTS) {
                store(s);
            } else {
                sent.computeIfAbsent(s.channel(), c -> new ArrayList<>()).add(s);
            }
        }
        log.addAll(o.log());
    }

    private void store(Send s) {
        List<StoredRecord> l = snapshots.computeIfAbsent(s.partition(), p -> new ArrayList<>());
        l.add(new StoredRecord(s.key(), s.value(), l.size()));
    }

    /** A record of script lines for a node, with the node's next seqs. */
    byte[] lines(String node, String... script) {
        long first = seq.getOrDefault(node, 0L) + 1;
        seq.put(node, first + script.length - 1);
        return WorkloadWriter.script(node, first, script);
    }

    /** A record of commands for a node, with the node's next seqs. */
    byte[] commands(String node, io.memfleet.kernel.api.Command... commands) {
        WorkloadWriter w = new WorkloadWriter().reset(node);
        for (io.memfleet.kernel.api.Command c : commands) {
            w.command(seq.merge(node, 1L, Long::sum), c);
        }
        return w.toByteArray();
    }

    /** A record holding one sample request (with the node's next seq). */
    byte[] sample(String node, boolean dump, boolean release) {
        long s = seq.merge(node, 1L, Long::sum);
        return new WorkloadWriter().reset(node).sample(s, dump, release).toByteArray();
    }

    Outbox send(String node, byte[] value) {
        return send(core.homePartition(node), node, value);
    }

    Outbox send(int partition, String node, byte[] value) {
        long off = offsets.merge(partition, 1L, Long::sum) - 1;
        Outbox o = core.workload(partition, off, node, value);
        take(o);
        return o;
    }

    Outbox run(String node, String... script) {
        return send(node, lines(node, script));
    }

    CommitPlan commitAll() {
        List<Integer> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(p);
        }
        CommitPlan plan = core.commit(all);
        plan.snapshots().forEach(this::store);
        committed.putAll(plan.offsets());
        plan.afterCommit().forEach(this::store);
        return plan;
    }

    /** A new core of the same settings, handed every partition with this harness's stored snapshots. */
    CoreHarness restart(AgentSettings s) {
        CoreHarness next = new CoreHarness(s);
        next.seq.putAll(seq);
        next.offsets.putAll(offsets);
        next.snapshots.putAll(snapshots);
        for (int p = 0; p < partitions; p++) {
            next.take(next.core.assigned(p, snapshots.getOrDefault(p, List.of())));
        }
        return next;
    }

    List<NodeTelemetry> telemetry(String node) {
        List<NodeTelemetry> out = new ArrayList<>();
        for (Send s : sent.getOrDefault(Send.Channel.TELEMETRY, List.of())) {
            if (s.key().equals(node)) {
                out.add(parse(s.value()));
            }
        }
        return out;
    }

    List<String> deadLetterReasons() {
        List<String> out = new ArrayList<>();
        for (Send s : sent.getOrDefault(Send.Channel.DEAD_LETTER, List.of())) {
            try {
                out.add(DeadLetter.parseFrom(s.value()).getReason());
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    static NodeTelemetry parse(byte[] b) {
        try {
            return NodeTelemetry.parseFrom(b);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
