package io.memfleet.controller.model;

import io.memfleet.common.CgroupFold;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.SlabCacheSample;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Per-cgroup aggregates over nodes, one row per path as a {@link CgroupFold} folds it
 * ({@code /jobs/*} for the transient children of {@code /jobs}; every path its own row with
 * {@link CgroupFold#none()}). Each node's cgroups of a row are first combined, usage, kmem,
 * failcnt, OOM kills and allocation failures summed, limits the largest (the first event the
 * earliest), then the statistics are taken over the nodes, so that a row's p99 is of per-node
 * values as for a single cgroup, and a node with kills in two cgroups of a row counts once.
 */
final class CgroupRows {
    private static final List<ToLongFunction<CgroupSample>> SUMMED = List.of(CgroupSample::getUsageInBytes,
            CgroupSample::getKmemUsageInBytes, CgroupSample::getFailcnt);
    private static final List<ToLongFunction<CgroupSample>> LARGEST = List.of(CgroupSample::getLimitInBytes,
            CgroupSample::getMemswLimitInBytes, CgroupSample::getKmemLimitInBytes);

    private CgroupRows() {
    }

    /** {@code events}: per node, per cgroup path, OOM kills, allocation failures and the first of each's time. */
    static List<CgroupAggregate> aggregate(Collection<NodeTelemetry> samples, Map<String, Map<String, EventTally>> events,
                                           CgroupFold fold) {
        Map<String, Map<String, long[]>> byRow = new TreeMap<>();
        Map<String, long[]> caches = new HashMap<>();
        Map<String, EventTally> rowEvents = new HashMap<>();
        for (NodeTelemetry t : samples) {
            for (CgroupSample g : t.getCgroupsList()) {
                long[] v = byRow.computeIfAbsent(fold.fold(g.getPath()), k -> new LinkedHashMap<>())
                        .computeIfAbsent(t.getNodeId(), k -> new long[6]);
                for (int i = 0; i < 3; i++) {
                    v[i] += SUMMED.get(i).applyAsLong(g);
                    long limit = LARGEST.get(i).applyAsLong(g);
                    v[3 + i] = Long.compareUnsigned(limit, v[3 + i]) > 0 ? limit : v[3 + i];
                }
            }
            for (SlabCacheSample c : t.getCachesList()) {
                if (c.getDead()) {
                    caches.computeIfAbsent(fold.fold(FleetState.deadParent(c)), k -> new long[2])[1] +=
                            FleetState.deadCount(c);
                } else if (!c.getMemcgPath().isEmpty()) {
                    caches.computeIfAbsent(fold.fold(c.getMemcgPath()), k -> new long[2])[0]++;
                }
            }
            Map<String, EventTally> perRow = new HashMap<>();
            events.getOrDefault(t.getNodeId(), Map.of()).forEach((p, v) ->
                    perRow.computeIfAbsent(fold.fold(p), k -> new EventTally()).add(v));
            perRow.forEach((row, v) -> rowEvents.computeIfAbsent(row, k -> new EventTally()).addNode(v));
        }
        List<CgroupAggregate> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, long[]>> e : byRow.entrySet()) {
            Collection<long[]> nodes = e.getValue().values();
            EventTally ev = rowEvents.getOrDefault(e.getKey(), new EventTally());
            long[] cc = caches.getOrDefault(e.getKey(), new long[2]);
            CgroupAggregate.Limits limits = new CgroupAggregate.Limits(stats(nodes, 3), stats(nodes, 4), stats(nodes, 5));
            out.add(new CgroupAggregate(e.getKey(), nodes.size(), stats(nodes, 0), stats(nodes, 1), stats(nodes, 2),
                    ev.oomKills, ev.allocFailures, cc[0], cc[1], new CgroupAggregate.Events(ev.oomNodes, ev.allocFailureNodes,
                    ev.firstOomKillNs, ev.firstAllocFailureNs), limits));
        }
        return out;
    }

    private static Stats stats(Collection<long[]> nodes, int column) {
        return Stats.of(nodes.stream().mapToLong(v -> v[column]).toArray());
    }
}
