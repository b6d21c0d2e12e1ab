package io.memfleet.kernel;

import io.memfleet.kernel.image.CacheImage;
import io.memfleet.kernel.image.CgroupImage;
import io.memfleet.kernel.image.CounterImage;
import io.memfleet.kernel.image.DyingCgroupImage;
import io.memfleet.kernel.image.MemInfoImage;
import io.memfleet.kernel.image.NodeImage;
import io.memfleet.kernel.image.StatItem;
import io.memfleet.kernel.image.StatValues;
import io.memfleet.kernel.memcg.HierarchicalLimits;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemcgDying;
import io.memfleet.kernel.memcg.ResCounter;
import io.memfleet.kernel.memcg.SockMem;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.mm.PhysMem;
import io.memfleet.kernel.slab.KmemCache;
import io.memfleet.kernel.slab.SlabLayer;
import java.util.ArrayList;
import java.util.List;

/** Reads the live kernel into immutable images: the only way state leaves the kernel. */
final class ImageBuilder {
    private final MemController mc;
    private final MemcgDying dying;
    private final SockMem sockMem;
    private final SlabLayer slab;
    private final PhysMem mem;

    ImageBuilder(MemController mc, MemcgDying dying, SockMem sockMem, SlabLayer slab, PhysMem mem) {
        this.mc = mc;
        this.dying = dying;
        this.sockMem = sockMem;
        this.slab = slab;
        this.mem = mem;
    }

    NodeImage node(long nowNs, long commands, int tasks) {
        List<CgroupImage> groups = new ArrayList<>(mc.all().size());
        for (MemCgroup g : mc.all()) {
            groups.add(cgroup(g));
        }
        List<CacheImage> caches = caches();
        List<DyingCgroupImage> dyingGroups = new ArrayList<>(dying.dying().size());
        for (MemCgroup g : dying.dying()) {
            dyingGroups.add(new DyingCgroupImage(g.id(), g.path(), g.res().usage(), g.kmem().usage(), g.memsw().usage(),
                    g.stat(StatItem.SWAP) * PhysMem.PAGE_SIZE, MemcgDying.pinnedBy(g)));
        }
        return new NodeImage(nowNs, commands, meminfo(), groups, caches, tasks, dyingGroups, dying.cssIdsInUse(),
                dying.mkdirEnospc(), pinnedKmemBytes());
    }

    /** Slab pages of dead caches, in bytes (see {@link NodeImage#pinnedKmemBytes()}). */
    private long pinnedKmemBytes() {
        long pages = 0;
        for (KmemCache c : slab.caches()) {
            if (c.isDead()) {
                pages += c.slabs() * c.pagesPerSlab();
            }
        }
        return pages * PhysMem.PAGE_SIZE;
    }

    private static CounterImage counter(ResCounter c) {
        return new CounterImage(c.usage(), c.maxUsage(), c.limit(), c.softLimit(), c.failcnt());
    }

    CgroupImage cgroup(MemCgroup g) {
        List<Integer> pids = new ArrayList<>(g.tasks().size());
        for (Task t : g.tasks()) {
            pids.add(t.pid());
        }
        pids.sort(null);
        HierarchicalLimits limits = g.hierarchicalLimits();
        // kernel: net/ipv4/tcp_memcontrol.c tcp_read_stat()/tcp_read_usage(): the root reads the node's total
        CounterImage tcp = g.isRoot() ? new CounterImage(sockMem.memoryAllocatedBytes(), 0, ResCounter.RESOURCE_MAX,
                ResCounter.RESOURCE_MAX, 0) : counter(g.tcp());
        return new CgroupImage(g.id(), g.path(), counter(g.res()), counter(g.memsw()), counter(g.kmem()), tcp,
                MemController.usage(g, false), MemController.usage(g, true), g.useHierarchy(), g.oomKillDisable(), g.independentKmemLimit(),
                g.swappiness(), g.moveChargeAtImmigrate(), g.underOom(), pids, StatValues.of(g.statCopy()),
                StatValues.of(g.totalStat()), limits.memLimitBytes(), limits.memswLimitBytes());
    }

    List<CacheImage> caches() {
        return slab.cacheImages();
    }

    // kernel: fs/proc/meminfo.c meminfo_proc_show() (the counters it reads)
    /** The node's vm events, as /proc/vmstat prints them. */
    long[] vmEvents() {
        return mem.vmEvents();
    }

    MemInfoImage meminfo() {
        long anon = 0;
        long activeAnon = 0;
        long unevictable = 0;
        for (MemCgroup g : mc.all()) {
            activeAnon += g.stat(StatItem.ACTIVE_ANON);
            unevictable += g.stat(StatItem.UNEVICTABLE);
            anon += g.stat(StatItem.RSS);
        }
        return new MemInfoImage(mem.totalPages(), mem.freePages(), mem.cachePages(), activeAnon, unevictable, anon,
                mem.lockedPages(), mem.swapPages(), mem.swapFree(), mem.slabReclaimablePages(),
                mem.slabUnreclaimablePages(), mem.mappedPages(), mem.shmemPages());
    }
}
