package io.memfleet.controller.experiment;

import io.memfleet.controller.model.CacheAggregate;
import io.memfleet.controller.model.CgroupAggregate;
import io.memfleet.controller.model.DyingAggregate;
import io.memfleet.controller.model.FleetSeries;
import io.memfleet.controller.model.FleetState;
import io.memfleet.controller.model.Stats;
import io.memfleet.proto.v1.CacheSummary;
import io.memfleet.proto.v1.CgroupSummary;
import io.memfleet.proto.v1.ExperimentSummary;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.StatSummary;
import java.util.List;

/** An experiment summary's fleet aggregates over its nodes' final states: per cgroup, per root cache, dying groups. */
final class FinalAggregates {
    private FinalAggregates() {
    }

    static void add(ExperimentSummary.Builder b, FleetState fleet, List<NodeTelemetry> finals) {
        for (CgroupAggregate a : fleet.cgroupAggregates(finals)) {
            CgroupSummary.Builder c = CgroupSummary.newBuilder().setPath(a.path()).setNodes((int) a.nodes())
                    .setUsageInBytes(stat(a.usage())).setKmemUsageInBytes(stat(a.kmemUsage()))
                    .setFailcnt(stat(a.failcnt())).setOomKills(a.oomKills()).setAllocFailures(a.allocFailures())
                    .setLiveCaches(a.liveCaches()).setDeadCaches(a.deadCaches())
                    .setOomNodes(a.events().oomNodes()).setAllocFailureNodes(a.events().allocFailureNodes())
                    .setLimitInBytes(stat(a.limits().limit())).setMemswLimitInBytes(stat(a.limits().memswLimit()))
                    .setKmemLimitInBytes(stat(a.limits().kmemLimit()));
            if (a.events().firstOomKillNs() != CgroupAggregate.NEVER) {
                c.setFirstOomKillNs(a.events().firstOomKillNs());
            }
            if (a.events().firstAllocFailureNs() != CgroupAggregate.NEVER) {
                c.setFirstAllocFailureNs(a.events().firstAllocFailureNs());
            }
            b.addCgroups(c);
        }
        for (CacheAggregate c : FleetState.cacheAggregates(finals)) {
            b.addCaches(CacheSummary.newBuilder().setSlab(c.name()).setCaches(c.caches()).setDeadCaches(c.deadCaches())
                    .setActiveObjs(c.activeObjs()).setNumObjs(c.numObjs()).setNumSlabs(c.numSlabs()).setBytes(c.bytes()));
        }
        DyingAggregate d = DyingAggregate.of(finals);
        if (d.cssIds().max() > 0) { // a run whose nodes report no css ids (none do today) keeps its summary as it was
            b.setDyingMemcgs(stat(d.dyingMemcgs())).setCssIds(stat(d.cssIds())).setPinnedKmemBytes(stat(d.pinnedKmemBytes()))
                    .setMkdirEnospc(d.mkdirEnospc());
        }
    }

    private static StatSummary stat(Stats s) {
        return FleetSeries.stat(s);
    }
}
