package io.memfleet.agent.model;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.StatItem;
import io.memfleet.kernel.mm.PhysMem;
import io.memfleet.kernel.slab.KmemCache;
import io.memfleet.proto.v1.AllocFailure;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.MemInfo;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.OomKill;
import io.memfleet.proto.v1.SlabCacheSample;
import java.util.List;

/** Reads a kernel into a telemetry sample: field names follow memory.* files and /proc/slabinfo. */
public final class TelemetryBuilder {
    private TelemetryBuilder() {
    }

    public static NodeTelemetry sample(String nodeId, long seq, Kernel k, List<io.memfleet.kernel.KernelEvent> events) {
        NodeTelemetry.Builder b = NodeTelemetry.newBuilder().setNodeId(nodeId).setSimTimeNs(k.nowNs()).setSeq(seq);
        MemController mc = k.memController();
        for (MemCgroup g : mc.all()) {
            b.addCgroups(cgroup(mc, g));
        }
        for (KmemCache c : k.slab().caches()) {
            if (c.numObjs() == 0 && !c.isMemcgCache()) {
                continue;
            }
            b.addCaches(SlabCacheSample.newBuilder().setName(c.name())
                    .setMemcgPath(c.memcg() != null ? c.memcg().path() : c.isDead() ? c.deadMemcgPath() : "")
                    .setDead(c.isDead())
                    .setActiveObjs(c.activeObjs()).setNumObjs(c.numObjs()).setObjsize(c.bufferSize())
                    .setObjperslab(c.objectsPerSlab()).setPagesperslab(c.pagesPerSlab())
                    .setActiveSlabs(c.activeSlabs()).setNumSlabs(c.slabs()));
        }
        for (io.memfleet.kernel.KernelEvent e : events) {
            io.memfleet.proto.v1.KernelEvent.Builder eb = io.memfleet.proto.v1.KernelEvent.newBuilder()
                    .setSimTimeNs(e.timeNs());
            if (e instanceof io.memfleet.kernel.KernelEvent.OomKill o) {
                eb.setOomKill(OomKill.newBuilder().setPid(o.pid()).setComm(o.comm())
                        .setMemcgPath(o.memcgPath() == null ? "" : o.memcgPath()).setScore((int) o.score()));
            } else if (e instanceof io.memfleet.kernel.KernelEvent.AllocFailure f) {
                eb.setAllocFailure(AllocFailure.newBuilder().setPid(f.pid()).setCgroupPath(f.cgroupPath())
                        .setKind(f.kind()).setBytes(f.bytes()));
            }
            b.addEvents(eb);
        }
        PhysMem mem = k.physMem();
        long kb = PhysMem.PAGE_SIZE >> 10;
        b.setMeminfo(MemInfo.newBuilder().setMemTotalKb(mem.totalPages() * kb).setMemFreeKb(mem.freePages() * kb)
                .setCachedKb(mem.cachePages() * kb)
                .setSlabKb((mem.slabReclaimablePages() + mem.slabUnreclaimablePages()) * kb)
                .setSreclaimableKb(mem.slabReclaimablePages() * kb).setSunreclaimKb(mem.slabUnreclaimablePages() * kb)
                .setSwapTotalKb(mem.swapPages() * kb).setSwapFreeKb(mem.swapFree() * kb));
        return b.build();
    }

    private static CgroupSample cgroup(MemController mc, MemCgroup g) {
        CgroupSample.Builder s = CgroupSample.newBuilder().setPath(g.path()).setCssId(g.id())
                .setUsageInBytes(mc.usage(g, false)).setMaxUsageInBytes(g.res().maxUsage())
                .setLimitInBytes(g.res().limit()).setFailcnt(g.res().failcnt())
                .setMemswUsageInBytes(mc.usage(g, true)).setMemswLimitInBytes(g.memsw().limit())
                .setMemswFailcnt(g.memsw().failcnt()).setKmemUsageInBytes(g.kmem().usage())
                .setKmemLimitInBytes(g.kmem().limit()).setKmemFailcnt(g.kmem().failcnt())
                .setUnderOom(g.underOom()).setTasks(g.tasks().size());
        for (StatItem it : StatItem.ALL) {
            long v = g.stat(it);
            s.putStat(it.statName(), it.inPages() ? v * PhysMem.PAGE_SIZE : v);
        }
        // hierarchical usage needs the hierarchical inactive file pages for a working set
        s.putStat("total_inactive_file", MemController.recursiveStat(g, StatItem.INACTIVE_FILE) * PhysMem.PAGE_SIZE);
        return s.build();
    }
}
