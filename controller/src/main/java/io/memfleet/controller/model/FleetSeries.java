package io.memfleet.controller.model;

import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.KernelEvent;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.SeriesPoint;
import io.memfleet.proto.v1.SlabCacheSample;
import io.memfleet.proto.v1.StatSummary;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One experiment's time series over its nodes, in simulated time: at every telemetry time, per
 * cgroup path, usage, kmem and failcnt over the nodes (min, p50, p99, max, sum), the OOM kills and
 * allocation failures of the interval, and the live and dead per-cgroup caches; per root slab
 * cache, its caches (live and dead), active objects and slab bytes over the nodes. Samples arrive in
 * any order across nodes; a time's point is made once every node has reported it (or at
 * {@link #finish}), so only the times still in flight hold per-node values. A node's second sample
 * at one time (its final one) replaces its values there and adds its events. Deterministic: the
 * points depend on the samples only, not on their order across nodes.
 */
public final class FleetSeries {
    private final int nodes;
    private final TreeMap<Long, Bucket> open = new TreeMap<>();
    private final List<SeriesPoint> points = new ArrayList<>();
    /** The times whose points are made, sorted. */
    private final List<Long> closed = new ArrayList<>();

    /** One cgroup path at one time: per node values, and the interval's event counts. */
    private static final class Column {
        final BitSet present = new BitSet();
        final long[] usage;
        final long[] kmem;
        final long[] failcnt;
        final int[] live;
        final int[] dead;
        /** The interval's events, per node (a split point counts its own nodes'). */
        final int[] oomKills;
        final int[] allocFailures;

        Column(int nodes) {
            usage = new long[nodes];
            kmem = new long[nodes];
            failcnt = new long[nodes];
            live = new int[nodes];
            dead = new int[nodes];
            oomKills = new int[nodes];
            allocFailures = new int[nodes];
        }
    }

    /**
     * Splits the points of some cgroups by rollout: besides the point over every node, one over
     * the nodes a rollout has changed at that time and one over the rest.
     */
    public interface Split {
        Split NONE = new Split() {
            @Override
            public List<String> rollouts() {
                return List.of();
            }

            @Override
            public java.util.Set<String> cgroups(int rollout) {
                return java.util.Set.of();
            }

            @Override
            public boolean changed(int rollout, int node, long timeNs) {
                return false;
            }
        };

        /** The rollouts' names, in the file's order. */
        List<String> rollouts();

        /** The cgroup paths whose points rollout {@code rollout} splits. */
        java.util.Set<String> cgroups(int rollout);

        /** Whether the rollout has changed the node as its sample at {@code timeNs} sees it. */
        boolean changed(int rollout, int node, long timeNs);
    }

    private final Split split;

    /** One root slab cache at one time: per node totals of its caches. */
    private static final class SlabColumn {
        final int[] caches;
        final int[] dead;
        final long[] active;
        final long[] bytes;

        SlabColumn(int nodes) {
            caches = new int[nodes];
            dead = new int[nodes];
            active = new long[nodes];
            bytes = new long[nodes];
        }

        void clear(int node) {
            caches[node] = 0;
            dead[node] = 0;
            active[node] = 0;
            bytes[node] = 0;
        }
    }

    private final class Bucket {
        final BitSet reported = new BitSet();
        final Map<String, Column> cgroups = new TreeMap<>();
        final Map<String, SlabColumn> slabs = new TreeMap<>();

        Column column(String path) {
            return cgroups.computeIfAbsent(path, p -> new Column(nodes));
        }

        SlabColumn slab(String root) {
            return slabs.computeIfAbsent(root, r -> new SlabColumn(nodes));
        }
    }

    public FleetSeries(int nodes) {
        this(nodes, Split.NONE);
    }

    public FleetSeries(int nodes, Split split) {
        this.nodes = nodes;
        this.split = split;
    }

    /** Adds node {@code index}'s sample (a fresh one: the caller drops redelivered samples). */
    public void add(int index, NodeTelemetry t) {
        if (index < 0 || index >= nodes) {
            return;
        }
        long time = t.getSimTimeNs();
        if (!open.containsKey(time) && closedAt(time)) {
            return; // that time's point is made: a late sample of a node that already reported it
        }
        Bucket b = open.computeIfAbsent(time, k -> new Bucket());
        b.reported.set(index);
        for (CgroupSample g : t.getCgroupsList()) {
            Column c = b.column(g.getPath());
            c.present.set(index);
            c.usage[index] = g.getUsageInBytes();
            c.kmem[index] = g.getKmemUsageInBytes();
            c.failcnt[index] = g.getFailcnt();
            c.live[index] = 0;
            c.dead[index] = 0;
        }
        for (SlabColumn s : b.slabs.values()) {
            s.clear(index);
        }
        for (SlabCacheSample s : t.getCachesList()) {
            SlabColumn sc = b.slab(FleetState.rootName(s.getName()));
            sc.caches[index]++;
            sc.dead[index] += s.getDead() ? 1 : 0;
            sc.active[index] += s.getActiveObjs();
            sc.bytes[index] += s.getNumSlabs() * s.getPagesperslab() * 4096L;
            if (s.getDead()) {
                b.column(FleetState.parentOf(s.getMemcgPath())).dead[index]++;
            } else if (!s.getMemcgPath().isEmpty()) {
                b.column(s.getMemcgPath()).live[index]++;
            }
        }
        for (KernelEvent e : t.getEventsList()) {
            if (e.hasOomKill()) {
                String path = e.getOomKill().getMemcgPath().isEmpty() ? "/" : e.getOomKill().getMemcgPath();
                b.column(path).oomKills[index]++;
            } else if (e.hasAllocFailure()) {
                b.column(e.getAllocFailure().getCgroupPath()).allocFailures[index]++;
            }
        }
        if (b.reported.cardinality() == nodes) {
            close(time);
        }
    }

    private boolean closedAt(long time) {
        return Collections.binarySearch(closed, time) >= 0;
    }

    private void close(long time) {
        Bucket b = open.remove(time);
        closed.add(-Collections.binarySearch(closed, time) - 1, time);
        BitSet all = new BitSet();
        all.set(0, nodes);
        BitSet[] changed = new BitSet[split.rollouts().size()]; // per rollout, made once a time when needed
        b.cgroups.forEach((path, c) -> {
            if (c.present.isEmpty() && sum(c.oomKills) == 0 && sum(c.allocFailures) == 0 && sum(c.live) == 0
                    && sum(c.dead) == 0) {
                return;
            }
            points.add(point(time, path, c, all).build());
            for (int r = 0; r < changed.length; r++) {
                if (split.cgroups(r).contains(path)) {
                    if (changed[r] == null) {
                        changed[r] = changedAt(r, time);
                    }
                    splitPoints(time, path, c, r, changed[r], all);
                }
            }
        });
        b.slabs.forEach((root, s) -> points.add(SeriesPoint.newBuilder().setSimTimeNs(time).setSlab(root)
                .setSlabCaches(sum(s.caches)).setDeadCaches(sum(s.dead)).setLiveCaches(sum(s.caches) - sum(s.dead))
                .setSlabActiveObjs(sum(s.active)).setSlabPageBytes(sum(s.bytes)).build()));
    }

    /** The nodes rollout {@code r} has changed as their samples at {@code time} see them. */
    private BitSet changedAt(int r, long time) {
        BitSet changed = new BitSet();
        for (int i = 0; i < nodes; i++) {
            if (split.changed(r, i, time)) {
                changed.set(i);
            }
        }
        return changed;
    }

    /** A cgroup's points over the nodes rollout {@code r} changed and over the rest (each when it has nodes). */
    private void splitPoints(long time, String path, Column c, int r, BitSet changed, BitSet all) {
        BitSet unchanged = (BitSet) all.clone();
        unchanged.andNot(changed);
        for (BitSet group : List.of(changed, unchanged)) {
            if (!group.isEmpty()) {
                points.add(point(time, path, c, group).setRollout(split.rollouts().get(r))
                        .setGroup(group == changed ? "changed" : "unchanged").build());
            }
        }
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) {
            s += x;
        }
        return s;
    }

    private static long sum(int[] v) {
        long s = 0;
        for (int x : v) {
            s += x;
        }
        return s;
    }

    /** The point of one cgroup over the nodes in {@code of}. */
    private static SeriesPoint.Builder point(long time, String path, Column c, BitSet of) {
        BitSet here = (BitSet) c.present.clone();
        here.and(of);
        int n = here.cardinality();
        long[] usage = new long[n];
        long[] kmem = new long[n];
        long[] failcnt = new long[n];
        int k = 0;
        for (int i = here.nextSetBit(0); i >= 0; i = here.nextSetBit(i + 1)) {
            usage[k] = c.usage[i];
            kmem[k] = c.kmem[i];
            failcnt[k++] = c.failcnt[i];
        }
        long oom = 0;
        long alloc = 0;
        long live = 0;
        long dead = 0;
        for (int i = of.nextSetBit(0); i >= 0; i = of.nextSetBit(i + 1)) {
            oom += c.oomKills[i];
            alloc += c.allocFailures[i];
            live += c.live[i];
            dead += c.dead[i];
        }
        return SeriesPoint.newBuilder().setSimTimeNs(time).setCgroup(path).setNodes(n)
                .setUsageInBytes(stat(Stats.of(usage))).setKmemUsageInBytes(stat(Stats.of(kmem)))
                .setFailcnt(stat(Stats.of(failcnt))).setOomKills(oom).setAllocFailures(alloc)
                .setLiveCaches(live).setDeadCaches(dead);
    }

    public static StatSummary stat(Stats s) {
        return StatSummary.newBuilder().setMin(s.min()).setP50(s.p50()).setP99(s.p99()).setMax(s.max()).setSum(s.sum())
                .build();
    }

    /** The points made so far (every node reported their time), in (time, cgroup, slab) order; slab points first at a time. */
    public List<SeriesPoint> points() {
        List<SeriesPoint> out = new ArrayList<>(points);
        out.sort(ORDER);
        return out;
    }

    /** Makes the points of every time still open (some nodes never reported it) and returns them all. */
    public List<SeriesPoint> finish() {
        while (!open.isEmpty()) {
            close(open.firstKey());
        }
        return points();
    }

    private static final Comparator<SeriesPoint> ORDER = Comparator.comparingLong(SeriesPoint::getSimTimeNs)
            .thenComparing(SeriesPoint::getCgroup).thenComparing(SeriesPoint::getSlab)
            .thenComparing(SeriesPoint::getRollout).thenComparing(SeriesPoint::getGroup);
}
