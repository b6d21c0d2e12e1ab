package io.memfleet.protocol;

import io.memfleet.kernel.api.KernelEvent;
import io.memfleet.kernel.api.FileText;
import io.memfleet.kernel.image.CacheImage;
import io.memfleet.kernel.image.CgroupImage;
import io.memfleet.kernel.image.CounterImage;
import io.memfleet.kernel.image.MemInfoImage;
import io.memfleet.kernel.image.NodeImage;
import io.memfleet.kernel.image.StatItem;
import io.memfleet.kernel.image.StatValues;
import io.memfleet.proto.v1.AllocFailure;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.DyingGroups;
import io.memfleet.proto.v1.FileDump;
import io.memfleet.proto.v1.MemInfo;
import io.memfleet.proto.v1.MemoryStat;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.OomKill;
import io.memfleet.proto.v1.SlabCacheSample;
import java.util.List;

/**
 * Encodes a node image as NodeTelemetry bytes (telemetry.proto) without building protobuf
 * messages: the agents' telemetry path. {@link TelemetryCodec} builds the same sample with the
 * generated classes; a test checks that both give the same message.
 */
public final class TelemetryWriter {
    private final ProtoWriter w = new ProtoWriter();

    /** The sample's bytes; with {@code filesPublished} it answers a request for the node's final state. */
    public byte[] write(String nodeId, TelemetryCodec.Progress p, NodeImage k, List<KernelEvent> events,
                        boolean filesPublished) {
        w.reset();
        w.string(NodeTelemetry.NODE_ID_FIELD_NUMBER, nodeId).uint64(NodeTelemetry.SIM_TIME_NS_FIELD_NUMBER, k.nowNs())
                .uint64(NodeTelemetry.SEQ_FIELD_NUMBER, p.seq());
        for (CgroupImage g : k.cgroups()) {
            cgroup(g);
        }
        for (CacheImage c : k.caches()) {
            if (TelemetryCodec.reported(c) && !c.dead()) {
                cache(c);
            }
        }
        for (NodeTotals.DeadCaches d : NodeTotals.deadCaches(k)) {
            deadCaches(d);
        }
        for (KernelEvent e : events) {
            event(e);
        }
        meminfo(k.meminfo());
        w.uint64(NodeTelemetry.EVENTS_APPLIED_FIELD_NUMBER, p.eventsApplied())
                .uint64(NodeTelemetry.LAST_SEQ_FIELD_NUMBER, p.lastSeq())
                .bool(NodeTelemetry.FILES_PUBLISHED_FIELD_NUMBER, filesPublished);
        for (NodeTotals.Dying d : NodeTotals.dying(k)) {
            w.begin(NodeTelemetry.DYING_FIELD_NUMBER);
            w.string(DyingGroups.PARENT_PATH_FIELD_NUMBER, d.parentPath()).uint64(DyingGroups.COUNT_FIELD_NUMBER, d.count())
                    .uint64(DyingGroups.KMEM_BYTES_FIELD_NUMBER, d.kmemBytes())
                    .uint64(DyingGroups.SWAP_BYTES_FIELD_NUMBER, d.swapBytes());
            w.end();
        }
        w.uint64(NodeTelemetry.DYING_MEMCGS_FIELD_NUMBER, k.dyingCgroups().size())
                .uint64(NodeTelemetry.CSS_IDS_IN_USE_FIELD_NUMBER, k.cssIdsInUse())
                .uint64(NodeTelemetry.PINNED_KMEM_BYTES_FIELD_NUMBER, k.pinnedKmemBytes())
                .uint64(NodeTelemetry.MKDIR_ENOSPC_FIELD_NUMBER, k.mkdirEnospc());
        return w.toByteArray();
    }

    /**
     * The files of a node's final state as NodeTelemetry's repeated {@code files}: appended to a
     * sample's bytes they give that sample with its files (protobuf merges concatenated messages).
     */
    public byte[] files(List<FileText> files) {
        w.reset();
        for (FileText f : files) {
            w.begin(NodeTelemetry.FILES_FIELD_NUMBER);
            w.string(FileDump.PATH_FIELD_NUMBER, f.path()).string(FileDump.CONTENT_FIELD_NUMBER, f.content());
            w.end();
        }
        return w.toByteArray();
    }

    private void cgroup(CgroupImage g) {
        w.begin(NodeTelemetry.CGROUPS_FIELD_NUMBER);
        CounterImage res = g.res();
        w.string(CgroupSample.PATH_FIELD_NUMBER, g.path()).uint64(CgroupSample.CSS_ID_FIELD_NUMBER, g.id())
                .uint64(CgroupSample.USAGE_IN_BYTES_FIELD_NUMBER, g.usage())
                .uint64(CgroupSample.MAX_USAGE_IN_BYTES_FIELD_NUMBER, res.maxUsage())
                .uint64(CgroupSample.LIMIT_IN_BYTES_FIELD_NUMBER, res.limit())
                .uint64(CgroupSample.FAILCNT_FIELD_NUMBER, res.failcnt())
                .uint64(CgroupSample.MEMSW_USAGE_IN_BYTES_FIELD_NUMBER, g.memswUsage())
                .uint64(CgroupSample.MEMSW_LIMIT_IN_BYTES_FIELD_NUMBER, g.memsw().limit())
                .uint64(CgroupSample.MEMSW_FAILCNT_FIELD_NUMBER, g.memsw().failcnt())
                .uint64(CgroupSample.KMEM_USAGE_IN_BYTES_FIELD_NUMBER, g.kmem().usage())
                .uint64(CgroupSample.KMEM_LIMIT_IN_BYTES_FIELD_NUMBER, g.kmem().limit())
                .uint64(CgroupSample.KMEM_FAILCNT_FIELD_NUMBER, g.kmem().failcnt())
                .bool(CgroupSample.UNDER_OOM_FIELD_NUMBER, g.underOom())
                .uint64(CgroupSample.TASKS_FIELD_NUMBER, g.pids().size());
        stat(CgroupSample.STAT_FIELD_NUMBER, g.stat());
        stat(CgroupSample.TOTAL_FIELD_NUMBER, g.total());
        w.uint64(CgroupSample.HIERARCHICAL_MEMORY_LIMIT_FIELD_NUMBER, g.hierarchicalMemoryLimit())
                .uint64(CgroupSample.HIERARCHICAL_MEMSW_LIMIT_FIELD_NUMBER, g.hierarchicalMemswLimit());
        w.end();
    }

    private void stat(int field, StatValues v) {
        w.begin(field);
        w.uint64(MemoryStat.CACHE_FIELD_NUMBER, v.shown(StatItem.CACHE))
                .uint64(MemoryStat.RSS_FIELD_NUMBER, v.shown(StatItem.RSS))
                .uint64(MemoryStat.MAPPED_FILE_FIELD_NUMBER, v.shown(StatItem.MAPPED_FILE))
                .uint64(MemoryStat.PGPGIN_FIELD_NUMBER, v.shown(StatItem.PGPGIN))
                .uint64(MemoryStat.PGPGOUT_FIELD_NUMBER, v.shown(StatItem.PGPGOUT))
                .uint64(MemoryStat.SWAP_FIELD_NUMBER, v.shown(StatItem.SWAP))
                .uint64(MemoryStat.PGFAULT_FIELD_NUMBER, v.shown(StatItem.PGFAULT))
                .uint64(MemoryStat.PGMAJFAULT_FIELD_NUMBER, v.shown(StatItem.PGMAJFAULT))
                .uint64(MemoryStat.INACTIVE_ANON_FIELD_NUMBER, v.shown(StatItem.INACTIVE_ANON))
                .uint64(MemoryStat.ACTIVE_ANON_FIELD_NUMBER, v.shown(StatItem.ACTIVE_ANON))
                .uint64(MemoryStat.INACTIVE_FILE_FIELD_NUMBER, v.shown(StatItem.INACTIVE_FILE))
                .uint64(MemoryStat.ACTIVE_FILE_FIELD_NUMBER, v.shown(StatItem.ACTIVE_FILE))
                .uint64(MemoryStat.UNEVICTABLE_FIELD_NUMBER, v.shown(StatItem.UNEVICTABLE));
        w.end();
    }

    private void cache(CacheImage c) {
        w.begin(NodeTelemetry.CACHES_FIELD_NUMBER);
        w.string(SlabCacheSample.NAME_FIELD_NUMBER, c.name())
                .string(SlabCacheSample.MEMCG_PATH_FIELD_NUMBER, c.memcgPath())
                .bool(SlabCacheSample.DEAD_FIELD_NUMBER, c.dead())
                .uint64(SlabCacheSample.ACTIVE_OBJS_FIELD_NUMBER, c.activeObjs())
                .uint64(SlabCacheSample.NUM_OBJS_FIELD_NUMBER, c.numObjs())
                .uint64(SlabCacheSample.OBJSIZE_FIELD_NUMBER, c.objsize())
                .uint64(SlabCacheSample.OBJPERSLAB_FIELD_NUMBER, c.objperslab())
                .uint64(SlabCacheSample.PAGESPERSLAB_FIELD_NUMBER, c.pagesperslab())
                .uint64(SlabCacheSample.ACTIVE_SLABS_FIELD_NUMBER, c.activeSlabs())
                .uint64(SlabCacheSample.NUM_SLABS_FIELD_NUMBER, c.numSlabs());
        w.end();
    }

    private void deadCaches(NodeTotals.DeadCaches d) {
        w.begin(NodeTelemetry.CACHES_FIELD_NUMBER);
        w.string(SlabCacheSample.NAME_FIELD_NUMBER, d.rootName())
                .string(SlabCacheSample.MEMCG_PATH_FIELD_NUMBER, d.parentPath())
                .bool(SlabCacheSample.DEAD_FIELD_NUMBER, true)
                .uint64(SlabCacheSample.ACTIVE_OBJS_FIELD_NUMBER, d.activeObjs())
                .uint64(SlabCacheSample.NUM_OBJS_FIELD_NUMBER, d.numObjs())
                .uint64(SlabCacheSample.OBJSIZE_FIELD_NUMBER, d.objsize())
                .uint64(SlabCacheSample.OBJPERSLAB_FIELD_NUMBER, d.objperslab())
                .uint64(SlabCacheSample.PAGESPERSLAB_FIELD_NUMBER, d.pagesperslab())
                .uint64(SlabCacheSample.ACTIVE_SLABS_FIELD_NUMBER, d.activeSlabs())
                .uint64(SlabCacheSample.NUM_SLABS_FIELD_NUMBER, d.numSlabs())
                .uint64(SlabCacheSample.DEAD_CACHES_FIELD_NUMBER, d.caches());
        w.end();
    }

    private void event(KernelEvent e) {
        w.begin(NodeTelemetry.EVENTS_FIELD_NUMBER);
        w.uint64(io.memfleet.proto.v1.KernelEvent.SIM_TIME_NS_FIELD_NUMBER, e.timeNs());
        if (e instanceof KernelEvent.OomKill o) {
            w.begin(io.memfleet.proto.v1.KernelEvent.OOM_KILL_FIELD_NUMBER);
            w.uint64(OomKill.PID_FIELD_NUMBER, o.pid()).string(OomKill.COMM_FIELD_NUMBER, o.comm())
                    .string(OomKill.MEMCG_PATH_FIELD_NUMBER, o.memcgPath() == null ? "" : o.memcgPath())
                    .uint64(OomKill.SCORE_FIELD_NUMBER, (int) o.score());
            w.end();
        } else if (e instanceof KernelEvent.AllocFailure f) {
            w.begin(io.memfleet.proto.v1.KernelEvent.ALLOC_FAILURE_FIELD_NUMBER);
            w.uint64(AllocFailure.PID_FIELD_NUMBER, f.pid()).string(AllocFailure.CGROUP_PATH_FIELD_NUMBER, f.cgroupPath())
                    .string(AllocFailure.KIND_FIELD_NUMBER, f.kind()).uint64(AllocFailure.BYTES_FIELD_NUMBER, f.bytes());
            w.end();
        }
        w.end();
    }

    private void meminfo(MemInfoImage m) {
        w.begin(NodeTelemetry.MEMINFO_FIELD_NUMBER);
        w.uint64(MemInfo.MEM_TOTAL_KB_FIELD_NUMBER, MemInfoImage.kb(m.totalPages()))
                .uint64(MemInfo.MEM_FREE_KB_FIELD_NUMBER, MemInfoImage.kb(m.freePages()))
                .uint64(MemInfo.CACHED_KB_FIELD_NUMBER, MemInfoImage.kb(m.cachedPages()))
                .uint64(MemInfo.SLAB_KB_FIELD_NUMBER, MemInfoImage.kb(m.slabReclaimablePages() + m.slabUnreclaimablePages()))
                .uint64(MemInfo.SRECLAIMABLE_KB_FIELD_NUMBER, MemInfoImage.kb(m.slabReclaimablePages()))
                .uint64(MemInfo.SUNRECLAIM_KB_FIELD_NUMBER, MemInfoImage.kb(m.slabUnreclaimablePages()))
                .uint64(MemInfo.SWAP_TOTAL_KB_FIELD_NUMBER, MemInfoImage.kb(m.swapTotalPages()))
                .uint64(MemInfo.SWAP_FREE_KB_FIELD_NUMBER, MemInfoImage.kb(m.swapFreePages()));
        w.end();
    }
}
