package io.memfleet.controller.model;

import io.memfleet.common.CgroupFold;
import io.memfleet.protocol.ConfigPlan;
import io.memfleet.protocol.NodeIds;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.ConfigAck;
import io.memfleet.proto.v1.ConfigRollout;
import io.memfleet.proto.v1.FileAck;
import io.memfleet.proto.v1.KernelEvent;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.SlabCacheSample;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The controller's view of the fleet, built only from records (telemetry, acks, rollouts): the
 * latest sample of every node, OOM kills and allocation failures per node and cgroup, and the
 * status of every rollout. Not thread-safe: one owner (the controller's event loop) applies records.
 * A telemetry record at or below a node's last seen seq is a redelivery and changes nothing.
 */
public final class FleetState {
    private final Map<String, NodeTelemetry> latest = new TreeMap<>();
    private final Map<String, Map<String, EventTally>> eventsByNodeCgroup = new HashMap<>();
    private final Map<String, RolloutStatus> rollouts = new LinkedHashMap<>();
    private final Map<String, List<ConfigAck>> earlyAcks = new HashMap<>();
    private long telemetryRecords;
    /** The most heap any agent heard from gives one node (0: none said). */
    private long nodeHeapBudget;
    private long duplicates;

    /** Applies one telemetry record; returns false for a redelivered (old) one. */
    public boolean onTelemetry(NodeTelemetry t) {
        telemetryRecords++;
        nodeHeapBudget = Math.max(nodeHeapBudget, t.getNodeHeapBudget());
        NodeTelemetry prev = latest.get(t.getNodeId());
        if (prev != null && t.getSeq() <= prev.getSeq()) {
            duplicates++;
            return false;
        }
        if (t.getFilesCount() > 0) {
            t = t.toBuilder().clearFiles().build();
        }
        latest.put(t.getNodeId(), t);
        Map<String, EventTally> byCgroup = eventsByNodeCgroup.computeIfAbsent(t.getNodeId(), k -> new HashMap<>());
        for (KernelEvent e : t.getEventsList()) {
            if (e.hasOomKill()) {
                String path = e.getOomKill().getMemcgPath().isEmpty() ? "/" : e.getOomKill().getMemcgPath();
                byCgroup.computeIfAbsent(path, k -> new EventTally()).oomKill(e.getSimTimeNs());
            } else if (e.hasAllocFailure()) {
                byCgroup.computeIfAbsent(e.getAllocFailure().getCgroupPath(), k -> new EventTally())
                        .allocFailure(e.getSimTimeNs());
            }
        }
        for (RolloutStatus r : rollouts.values()) {
            if (ConfigPlan.selects(r.rollout().getSelector(), t.getNodeId())) {
                r.expect(t.getNodeId());
            }
        }
        return true;
    }

    /** Drops every node of an experiment (it has ended; its summary keeps what matters). */
    public void forgetExperiment(String experimentId) {
        String prefix = experimentId + "/";
        latest.keySet().removeIf(n -> n.startsWith(prefix));
        eventsByNodeCgroup.keySet().removeIf(n -> n.startsWith(prefix));
    }

    /**
     * Moves every node of an experiment, with its OOM kills and allocation failures, out of this
     * fleet into a fleet of its own: an ended experiment's final state, kept for a while on /metrics.
     */
    public FleetState detach(String experimentId) {
        FleetState out = new FleetState();
        for (NodeTelemetry t : nodes(experimentId)) {
            out.latest.put(t.getNodeId(), t);
            Map<String, EventTally> events = eventsByNodeCgroup.get(t.getNodeId());
            if (events != null) {
                out.eventsByNodeCgroup.put(t.getNodeId(), events);
            }
        }
        forgetExperiment(experimentId);
        return out;
    }

    /** A rollout published or read back from the desired-state topic; a known or older generation is ignored. */
    public void onRollout(ConfigRollout ro) {
        RolloutStatus prev = rollouts.get(ro.getRolloutId());
        if (prev != null && prev.rollout().getGeneration() >= ro.getGeneration()) {
            return;
        }
        RolloutStatus s = new RolloutStatus(ro);
        rollouts.put(ro.getRolloutId(), s);
        for (String node : latest.keySet()) {
            if (ConfigPlan.selects(ro.getSelector(), node)) {
                s.expect(node);
            }
        }
        List<ConfigAck> waiting = earlyAcks.remove(ro.getRolloutId());
        if (waiting != null) {
            waiting.forEach(this::onAck);
        }
    }

    public void onAck(ConfigAck ack) {
        if (ack.getWave() > 0) {
            return; // a step of an experiment's rollout: its outcome is in the node's final state, for the summary
        }
        RolloutStatus s = rollouts.get(ack.getRolloutId());
        if (s == null || s.rollout().getGeneration() < ack.getGeneration()) {
            // read before its rollout (the topics are consumed side by side): keep it until the rollout arrives
            earlyAcks.computeIfAbsent(ack.getRolloutId(), k -> new ArrayList<>()).add(ack);
            return;
        }
        if (s.rollout().getGeneration() != ack.getGeneration()) {
            return;
        }
        Map<String, String> failed = new LinkedHashMap<>();
        for (FileAck f : ack.getFilesList()) {
            if (!f.getErrno().equals("OK")) {
                failed.put(f.getPath(), f.getErrno());
            }
        }
        s.ack(ack.getNodeId(), failed);
    }

    public Map<String, NodeTelemetry> nodes() {
        return latest;
    }

    /** The latest samples of one experiment's nodes (null: every node; "": the nodes outside any experiment). */
    public List<NodeTelemetry> nodes(String experimentId) {
        if (experimentId == null) {
            return new ArrayList<>(latest.values());
        }
        if (experimentId.isEmpty()) {
            return latest.values().stream().filter(t -> NodeIds.experimentOf(t.getNodeId()) == null).toList();
        }
        String from = experimentId + "/";
        return new ArrayList<>(((TreeMap<String, NodeTelemetry>) latest).subMap(from, experimentId + "0").values());
    }

    /** Experiments that have nodes reporting, sorted ("" for nodes outside any experiment). */
    public List<String> experiments() {
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        for (String n : latest.keySet()) {
            String e = NodeIds.experimentOf(n);
            ids.add(e == null ? "" : e);
        }
        return new ArrayList<>(ids);
    }

    public Map<String, RolloutStatus> rollouts() {
        return rollouts;
    }

    /** The most heap any agent heard from gives one node; 0 when no agent has said. */
    public long nodeHeapBudget() {
        return nodeHeapBudget;
    }

    public long telemetryRecords() {
        return telemetryRecords;
    }

    public long duplicateRecords() {
        return duplicates;
    }

    public long oomKills(String node) {
        long n = 0;
        for (EventTally v : eventsByNodeCgroup.getOrDefault(node, Map.of()).values()) {
            n += v.oomKills;
        }
        return n;
    }

    /** OOM kills charged to a cgroup path on one node. */
    public long cgroupOomKills(String node, String path) {
        EventTally v = eventsByNodeCgroup.getOrDefault(node, Map.of()).get(path);
        return v == null ? 0 : v.oomKills;
    }

    /** Per-cgroup-path aggregates over every node, sorted by path. */
    public List<CgroupAggregate> cgroupAggregates() {
        return cgroupAggregates(latest.values());
    }

    /** Per-cgroup-path aggregates over the given nodes' samples, sorted by path. */
    public List<CgroupAggregate> cgroupAggregates(Collection<NodeTelemetry> samples) {
        return cgroupAggregates(samples, CgroupFold.none());
    }

    /**
     * Per-cgroup aggregates over the given nodes' samples, sorted by row, a row per path as
     * {@code fold} folds it (see {@link CgroupRows}).
     */
    public List<CgroupAggregate> cgroupAggregates(Collection<NodeTelemetry> samples, CgroupFold fold) {
        return CgroupRows.aggregate(samples, eventsByNodeCgroup, fold);
    }

    /** The root cache a per-cgroup cache belongs to: {@code dentry(2:web)} is {@code dentry}'s. */
    static String rootName(String cacheName) {
        int paren = cacheName.indexOf('(');
        return paren < 0 ? cacheName : cacheName.substring(0, paren);
    }

    /** How many dead caches a sample stands for: an aggregate's count, 1 for a single dead cache, else 0. */
    public static long deadCount(SlabCacheSample c) {
        return c.getDead() ? Math.max(1, c.getDeadCaches()) : 0;
    }

    /** The parent path of the removed cgroups a dead cache sample (an aggregate, or a single dead cache) belonged to. */
    public static String deadParent(SlabCacheSample c) {
        return c.getDeadCaches() > 0 ? c.getMemcgPath() : parentOf(c.getMemcgPath());
    }

    /** Dead caches count toward the parent of the removed cgroup they belonged to. */
    public static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** Fleet totals per root cache name over every node, sorted by name. */
    public List<CacheAggregate> cacheAggregates() {
        return cacheAggregates(latest.values());
    }

    /** Totals per root cache name over the given nodes' samples, sorted by name. */
    public static List<CacheAggregate> cacheAggregates(Collection<NodeTelemetry> samples) {
        Map<String, long[]> acc = new TreeMap<>();
        for (NodeTelemetry t : samples) {
            for (SlabCacheSample c : t.getCachesList()) {
                long[] a = acc.computeIfAbsent(rootName(c.getName()), k -> new long[6]);
                a[0] += c.getDead() ? deadCount(c) : 1;
                a[1] += deadCount(c);
                a[2] += c.getActiveObjs();
                a[3] += c.getNumObjs();
                a[4] += c.getNumSlabs();
                a[5] += c.getNumSlabs() * c.getPagesperslab() * 4096L;
            }
        }
        List<CacheAggregate> out = new ArrayList<>();
        acc.forEach((k, a) -> out.add(new CacheAggregate(k, a[0], a[1], a[2], a[3], a[4], a[5])));
        return out;
    }
}
