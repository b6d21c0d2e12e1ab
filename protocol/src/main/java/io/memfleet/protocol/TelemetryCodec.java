package io.memfleet.protocol;

import io.memfleet.kernel.api.KernelEvent;
import io.memfleet.kernel.image.CacheImage;
import io.memfleet.kernel.image.CgroupImage;
import io.memfleet.kernel.image.MemInfoImage;
import io.memfleet.kernel.image.NodeImage;
import io.memfleet.kernel.image.StatItem;
import io.memfleet.proto.v1.AllocFailure;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.DyingGroups;
import io.memfleet.kernel.image.StatValues;
import io.memfleet.proto.v1.MemInfo;
import io.memfleet.proto.v1.MemoryStat;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.OomKill;
import io.memfleet.proto.v1.SlabCacheSample;
import java.util.List;

/**
 * Turns a node image into a telemetry sample (telemetry.proto): field names follow the memory.*
 * files and /proc/slabinfo. Root caches that hold nothing are left out; per-cgroup caches are always
 * in; dead caches come as one aggregate per (root cache, parent path of the removed group), after the
 * live ones, and dying groups as one entry per former parent path ({@link NodeTotals}).
 */
public final class TelemetryCodec {
    private TelemetryCodec() {
    }

    /** How far the node is in its event stream, reported with every sample. */
    public record Progress(long seq, long eventsApplied, long lastSeq) { }

    public static NodeTelemetry sample(String nodeId, Progress p, NodeImage k, List<KernelEvent> events) {
        NodeTelemetry.Builder b = NodeTelemetry.newBuilder().setNodeId(nodeId).setSimTimeNs(k.nowNs()).setSeq(p.seq())
                .setEventsApplied(p.eventsApplied()).setLastSeq(p.lastSeq());
        for (CgroupImage g : k.cgroups()) {
            b.addCgroups(cgroup(g));
        }
        for (CacheImage c : k.caches()) {
            if (!reported(c) || c.dead()) {
                continue;
            }
            b.addCaches(SlabCacheSample.newBuilder().setName(c.name()).setMemcgPath(c.memcgPath()).setDead(c.dead())
                    .setActiveObjs(c.activeObjs()).setNumObjs(c.numObjs()).setObjsize(c.objsize())
                    .setObjperslab(c.objperslab()).setPagesperslab(c.pagesperslab())
                    .setActiveSlabs(c.activeSlabs()).setNumSlabs(c.numSlabs()));
        }
        for (NodeTotals.DeadCaches d : NodeTotals.deadCaches(k)) {
            b.addCaches(SlabCacheSample.newBuilder().setName(d.rootName()).setMemcgPath(d.parentPath()).setDead(true)
                    .setActiveObjs(d.activeObjs()).setNumObjs(d.numObjs()).setObjsize(d.objsize())
                    .setObjperslab(d.objperslab()).setPagesperslab(d.pagesperslab()).setActiveSlabs(d.activeSlabs())
                    .setNumSlabs(d.numSlabs()).setDeadCaches(d.caches()));
        }
        for (NodeTotals.Dying d : NodeTotals.dying(k)) {
            b.addDying(DyingGroups.newBuilder().setParentPath(d.parentPath()).setCount(d.count())
                    .setKmemBytes(d.kmemBytes()).setSwapBytes(d.swapBytes()));
        }
        b.setDyingMemcgs(k.dyingCgroups().size()).setCssIdsInUse(k.cssIdsInUse())
                .setPinnedKmemBytes(k.pinnedKmemBytes()).setMkdirEnospc(k.mkdirEnospc());
        for (KernelEvent e : events) {
            io.memfleet.proto.v1.KernelEvent.Builder eb = io.memfleet.proto.v1.KernelEvent.newBuilder()
                    .setSimTimeNs(e.timeNs());
            if (e instanceof KernelEvent.OomKill o) {
                eb.setOomKill(OomKill.newBuilder().setPid(o.pid()).setComm(o.comm())
                        .setMemcgPath(o.memcgPath() == null ? "" : o.memcgPath()).setScore((int) o.score()));
            } else if (e instanceof KernelEvent.AllocFailure f) {
                eb.setAllocFailure(AllocFailure.newBuilder().setPid(f.pid()).setCgroupPath(f.cgroupPath())
                        .setKind(f.kind()).setBytes(f.bytes()));
            }
            b.addEvents(eb);
        }
        MemInfoImage m = k.meminfo();
        b.setMeminfo(MemInfo.newBuilder().setMemTotalKb(MemInfoImage.kb(m.totalPages()))
                .setMemFreeKb(MemInfoImage.kb(m.freePages())).setCachedKb(MemInfoImage.kb(m.cachedPages()))
                .setSlabKb(MemInfoImage.kb(m.slabReclaimablePages() + m.slabUnreclaimablePages()))
                .setSreclaimableKb(MemInfoImage.kb(m.slabReclaimablePages()))
                .setSunreclaimKb(MemInfoImage.kb(m.slabUnreclaimablePages()))
                .setSwapTotalKb(MemInfoImage.kb(m.swapTotalPages())).setSwapFreeKb(MemInfoImage.kb(m.swapFreePages())));
        return b.build();
    }

    /** Root caches that hold nothing are left out of telemetry; per-cgroup and dead caches are always in. */
    static boolean reported(CacheImage c) {
        return c.numObjs() != 0 || c.memcgCache();
    }

    private static CgroupSample cgroup(CgroupImage g) {
        CgroupSample.Builder s = CgroupSample.newBuilder().setPath(g.path()).setCssId(g.id())
                .setUsageInBytes(g.usage()).setMaxUsageInBytes(g.res().maxUsage())
                .setLimitInBytes(g.res().limit()).setFailcnt(g.res().failcnt())
                .setMemswUsageInBytes(g.memswUsage()).setMemswLimitInBytes(g.memsw().limit())
                .setMemswFailcnt(g.memsw().failcnt()).setKmemUsageInBytes(g.kmem().usage())
                .setKmemLimitInBytes(g.kmem().limit()).setKmemFailcnt(g.kmem().failcnt())
                .setUnderOom(g.underOom()).setTasks(g.pids().size());
        s.setStat(stat(g.stat())).setTotal(stat(g.total())).setHierarchicalMemoryLimit(g.hierarchicalMemoryLimit())
                .setHierarchicalMemswLimit(g.hierarchicalMemswLimit());
        return s.build();
    }

    private static MemoryStat stat(StatValues v) {
        return MemoryStat.newBuilder().setCache(v.shown(StatItem.CACHE)).setRss(v.shown(StatItem.RSS))
                .setMappedFile(v.shown(StatItem.MAPPED_FILE)).setPgpgin(v.shown(StatItem.PGPGIN))
                .setPgpgout(v.shown(StatItem.PGPGOUT)).setSwap(v.shown(StatItem.SWAP)).setPgfault(v.shown(StatItem.PGFAULT))
                .setPgmajfault(v.shown(StatItem.PGMAJFAULT)).setInactiveAnon(v.shown(StatItem.INACTIVE_ANON))
                .setActiveAnon(v.shown(StatItem.ACTIVE_ANON)).setInactiveFile(v.shown(StatItem.INACTIVE_FILE))
                .setActiveFile(v.shown(StatItem.ACTIVE_FILE)).setUnevictable(v.shown(StatItem.UNEVICTABLE)).build();
    }
}
