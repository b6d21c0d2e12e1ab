package io.memfleet.controller.model;

import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.DyingGroups;
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
 * allocation failures of the interval, the live and dead per-cgroup caches and the dying groups
 * whose former parent is the path; on the root's point, the node totals (dying groups, css ids in
 * use, pinned kmem over the nodes, and the interval's mkdirs refused with ENOSPC); per root slab
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
        /** Dying groups whose former parent is this path. */
        final int[] dying;
        /** The interval's events, per node (a split point counts its own nodes'). */
        final int[] oomKills;
        final int[] allocFailures;

        Column(int nodes) {
            usage = new long[nodes];
            kmem = new long[nodes];
            failcnt = new long[nodes];
            live = new int[nodes];
            dead = new int[nodes];
            dying = new int[nodes];
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

    /** The node totals at one time (reported on the root point): dying groups, css ids, pinned kmem, ENOSPC. */
    private static final class NodeColumn {
        final BitSet present = new BitSet();
        final long[] dyingMemcgs;
        final long[] cssIds;
        final long[] pinnedKmem;
        /** mkdirs refused with ENOSPC in the interval that ends at this time. */
        final long[] enospc;

        NodeColumn(int nodes) {
            dyingMemcgs = new long[nodes];
            cssIds = new long[nodes];
            pinnedKmem = new long[nodes];
            enospc = new long[nodes];
        }
    }

    /** Per node: the time of its latest sample, its cumulative ENOSPC count then, and at its previous time. */
    private final long[] enospcTime;
    private final long[] enospcNow;
    private final long[] enospcBefore;

    private final class Bucket {
        final BitSet reported = new BitSet();
        final NodeColumn node = new NodeColumn(nodes);
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
        this.enospcTime = new long[Math.max(0, nodes)];
        java.util.Arrays.fill(enospcTime, Long.MIN_VALUE);
        this.enospcNow = new long[Math.max(0, nodes)];
        this.enospcBefore = new long[Math.max(0, nodes)];
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
        }
        for (Column c : b.cgroups.values()) {
            c.live[index] = 0;
            c.dead[index] = 0;
            c.dying[index] = 0;
        }
        for (SlabColumn s : b.slabs.values()) {
            s.clear(index);
        }
        for (SlabCacheSample s : t.getCachesList()) {
            SlabColumn sc = b.slab(FleetState.rootName(s.getName()));
            long dead = FleetState.deadCount(s);
            sc.caches[index] += s.getDead() ? dead : 1;
            sc.dead[index] += dead;
            sc.active[index] += s.getActiveObjs();
            sc.bytes[index] += s.getNumSlabs() * s.getPagesperslab() * 4096L;
            if (s.getDead()) {
                b.column(FleetState.deadParent(s)).dead[index] += dead;
            } else if (!s.getMemcgPath().isEmpty()) {
                b.column(s.getMemcgPath()).live[index]++;
            }
        }
        for (DyingGroups d : t.getDyingList()) {
            b.column(d.getParentPath()).dying[index] += d.getCount();
        }
        nodeTotals(b.node, index, t);
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

    private void nodeTotals(NodeColumn n, int index, NodeTelemetry t) {
        n.present.set(index);
        n.dyingMemcgs[index] = t.getDyingMemcgs();
        n.cssIds[index] = t.getCssIdsInUse();
        n.pinnedKmem[index] = t.getPinnedKmemBytes();
        if (t.getSimTimeNs() != enospcTime[index]) {
            enospcBefore[index] = enospcTime[index] == Long.MIN_VALUE ? 0 : enospcNow[index];
            enospcTime[index] = t.getSimTimeNs();
        }
        enospcNow[index] = t.getMkdirEnospc();
        n.enospc[index] = Math.max(0, t.getMkdirEnospc() - enospcBefore[index]);
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
                    && sum(c.dead) == 0 && sum(c.dying) == 0) {
                return;
            }
            NodeColumn totals = path.equals("/") ? b.node : null;
            points.add(point(time, path, c, all, totals).build());
            for (int r = 0; r < changed.length; r++) {
                if (split.cgroups(r).contains(path)) {
                    if (changed[r] == null) {
                        changed[r] = changedAt(r, time);
                    }
                    splitPoints(time, path, c, r, changed[r], all, totals);
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
    private void splitPoints(long time, String path, Column c, int r, BitSet changed, BitSet all, NodeColumn totals) {
        BitSet unchanged = (BitSet) all.clone();
        unchanged.andNot(changed);
        for (BitSet group : List.of(changed, unchanged)) {
            if (!group.isEmpty()) {
                points.add(point(time, path, c, group, totals).setRollout(split.rollouts().get(r))
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

    /** The point of one cgroup over the nodes in {@code of}, with the node totals on the root's ({@code totals}). */
    private static SeriesPoint.Builder point(long time, String path, Column c, BitSet of, NodeColumn totals) {
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
        long[] dying = new long[of.cardinality()];
        k = 0;
        for (int i = of.nextSetBit(0); i >= 0; i = of.nextSetBit(i + 1)) {
            dying[k++] = c.dying[i];
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
        SeriesPoint.Builder b = SeriesPoint.newBuilder().setSimTimeNs(time).setCgroup(path).setNodes(n)
                .setUsageInBytes(stat(Stats.of(usage))).setKmemUsageInBytes(stat(Stats.of(kmem)))
                .setFailcnt(stat(Stats.of(failcnt))).setOomKills(oom).setAllocFailures(alloc)
                .setLiveCaches(live).setDeadCaches(dead);
        Stats dyingStats = Stats.of(dying);
        if (dyingStats.max() > 0) { // unset when none: the points of a run without dying groups stay as they were
            b.setDying(stat(dyingStats));
        }
        return totals == null ? b : withTotals(b, totals, of);
    }

    /** The node totals over the nodes in {@code of} that reported this time; unset when all are zero. */
    private static SeriesPoint.Builder withTotals(SeriesPoint.Builder b, NodeColumn totals, BitSet group) {
        BitSet of = (BitSet) totals.present.clone();
        of.and(group);
        int n = of.cardinality();
        long[] dying = new long[n];
        long[] css = new long[n];
        long[] pinned = new long[n];
        long enospc = 0;
        int k = 0;
        for (int i = of.nextSetBit(0); i >= 0; i = of.nextSetBit(i + 1)) {
            dying[k] = totals.dyingMemcgs[i];
            css[k] = totals.cssIds[i];
            pinned[k++] = totals.pinnedKmem[i];
            enospc += totals.enospc[i];
        }
        Stats cssIds = Stats.of(css);
        Stats dyingMemcgs = Stats.of(dying);
        Stats pinnedKmem = Stats.of(pinned);
        if (cssIds.max() == 0 && dyingMemcgs.max() == 0 && pinnedKmem.max() == 0 && enospc == 0) {
            return b;
        }
        return b.setDyingMemcgs(stat(dyingMemcgs)).setCssIds(stat(cssIds)).setPinnedKmemBytes(stat(pinnedKmem))
                .setMkdirEnospc(enospc);
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
