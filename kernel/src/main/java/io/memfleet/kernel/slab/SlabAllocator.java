package io.memfleet.kernel.slab;

import io.memfleet.kernel.memcg.ChargeResult;
import io.memfleet.kernel.mm.LruList;
import io.memfleet.kernel.mm.PhysMem;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.MemcgMoveCharge;
import io.memfleet.kernel.sim.SimClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The SLAB allocator of 3.3 (mm/slab.c) for one NUMA node: the per-CPU array fast paths,
 * cache_alloc_refill, cache_flusharray, free_block and cache_reap; cache_grow and slab destruction
 * are {@link SlabGrow}'s.
 * Objects are int handles {@code (slabId << OBJ_BITS) | index}, so a free always finds its own
 * slab; past {@link #MAX_SLABS} slabs cache_grow fails as a page allocation would.
 */
public final class SlabAllocator {
    static final int BATCHREFILL_LIMIT = 16;
    /** Bits of a handle that index an object in its slab: no cache has more than 112 objects per slab. */
    static final int OBJ_BITS = 7;
    /** A budget of the simulator, not of 3.3: 1 GiB of order-0 slab pages, some 29 million objects. */
    static final int MAX_SLABS = 1 << 18;
    public static final long ALLOC_NOMEM = -1;
    public static final long ALLOC_BLOCKED = -2;
    public static final long ALLOC_KILLED = -3;
    /**
     * The CPU of the shell and the workqueue: tunables written, caches created, shrunk and
     * destroyed there, and what that frees goes to its arrays (MemcgMoveCharge.SHELL_CPU).
     */
    static final int WRITER_CPU = MemcgMoveCharge.SHELL_CPU;

    /** The memcg side of a slab page charge (patch 07/13 kmem_getpages / kmem_freepages). */
    public interface PageCharge {
        /** Charges {@code memcg} (null: nobody); {@code exact}: without the batch (CHARGE_RETRY). */
        ChargeResult chargeSlab(KmemCache c, MemCgroup memcg, Task current, long bytes, boolean exact);
        /** Uncharges a freed page of {@code c} from whom its cache's pages are charged to. */
        void unchargeSlab(KmemCache c, long bytes);
        /** Takes back a charge {@link #chargeSlab} made to {@code memcg} (null: nobody). */
        void unchargeKmem(MemCgroup memcg, long bytes);
        /** Whom the charge of {@code c}'s grow, retried after an OOM wait, charges: {@code atSleep} resolved it. */
        MemCgroup resumeTarget(KmemCache c, MemCgroup atSleep);
        /** A retried grow of a dead cache has charged {@code memcg} and has its pages. */
        void deadCacheCharged(MemCgroup memcg);
        /** A task no longer sleeps in a charge to {@code memcg}: its reference on the group goes. */
        void sleepEnded(MemCgroup memcg);
        /** The last reference of a dead per-cgroup cache is gone. */
        void cacheReleased(KmemCache c);
        /** The cache an allocation from {@code cachep} in {@code current}'s context uses (07/13). */
        KmemCache getKmemCache(KmemCache cachep, Task current);
    }

    /** The page allocator's slow path: make {@code pages} pages free or say why not. */
    public interface PageSource {
        ChargeResult ensureFreePages(Task current, long pages, int order);
    }

    private final int cpus;
    private final SimClock clock;
    PageCharge charge;
    final SlabGrow grow;
    final List<KmemCache> chain = new ArrayList<>();
    Slab[] slabs = new Slab[64];
    final ArrayDeque<Integer> freeSlabIds = new ArrayDeque<>();
    int nextSlabId;
    long chainSeq;
    private KmemCache[] general;
    long objectsAllocated;
    long objectsFreed;
    /** The caches cache_reap firings visit. */
    final ReapSet reaps = new ReapSet();

    SlabAllocator(int cpus, SimClock clock, PhysMem mem, PageSource pageSource) {
        this.cpus = cpus;
        this.clock = clock;
        this.grow = new SlabGrow(this, mem, pageSource);
    }

    int cpus() {
        return cpus;
    }

    void setPageCharge(PageCharge charge) {
        this.charge = charge;
    }

    List<KmemCache> chain() {
        return chain;
    }

    /** The root general caches by size index, once kmem_cache_init() has made them. */
    void setGeneralCaches(KmemCache[] bySize) {
        this.general = bySize;
    }

    /** An off-slab cache's slabp_cache: the root kmalloc cache its descriptors fit. */
    // kernel: mm/slab.c kmem_cache_create(): kmem_find_general_cachep(slab_size)
    KmemCache slabpCache(KmemCache c) {
        return general[SlabGeometry.generalIndex(SlabGeometry.descriptorBytes(c.num))];
    }

    long objectsAllocated() {
        return objectsAllocated;
    }

    long objectsFreed() {
        return objectsFreed;
    }

    /** Creates a cache and puts it at the head of the cache chain. */
    // kernel: mm/slab.c kmem_cache_create() + enable_cpucache()
    KmemCache create(SlabGeometry.Shape s, int id, MemCgroup memcg, KmemCache root) {
        if (s.num() > 1 << OBJ_BITS) {
            throw new IllegalArgumentException(s.name() + ": " + s.num() + " objects per slab do not fit a handle");
        }
        KmemCache c = new KmemCache(s.name(), s.size(), s.num(), s.gfporder(), s.flags(), id, chainSeq++, memcg,
                root, cpus);
        if (root != null) {
            setTunablesLocked(c, root.limit, root.batchcount, root.shared);
        } else {
            int limit = SlabGeometry.limitFor(s.size());
            int shared = s.size() <= PhysMem.PAGE_SIZE && cpus > 1 ? 8 : 0;
            setTunablesLocked(c, limit, (limit + 1) / 2, shared);
        }
        c.node.nextReapJiffies = clock.jiffies() + reapTimeoutList3(clock.hz()) + addressOffset(c, clock.hz());
        chain.add(0, c);
        reaps.created(c);
        return c;
    }

    /** REAPTIMEOUT_LIST3: how often cache_reap drains a cache's node lists, 4 s in jiffies. */
    static long reapTimeoutList3(int hz) {
        return 4L * hz;
    }

    /**
     * The stand-in for {@code (unsigned long)cachep % REAPTIMEOUT_LIST3}, which spreads the first
     * node-list reap of each cache over 4 s. The model has no addresses, so a cache's chain
     * sequence number (unique, kept in checkpoints) stretched by 37 takes the address's place: the
     * offset is {@code chainSeq * 37 mod REAPTIMEOUT_LIST3}, in [0, REAPTIMEOUT_LIST3).
     */
    // kernel: mm/slab.c alloc_kmemlist() / setup_cpu_cache(): the first l3->next_reap
    static long addressOffset(KmemCache c, int hz) {
        return Math.floorMod(c.chainSeq * 37, reapTimeoutList3(hz));
    }

    // kernel: mm/slab.c do_tune_cpucache()
    void setTunablesLocked(KmemCache c, int limit, int batchcount, int shared) {
        reaps.touch(c);
        for (int cpu = 0; cpu < cpus; cpu++) {
            ArrayCache ac = c.array[cpu];
            if (ac != null && ac.avail > 0) {
                freeBlock(c, ac.entry, 0, ac.avail, WRITER_CPU);
                ac.avail = 0;
            }
            c.array[cpu] = null;
        }
        c.limit = limit;
        c.batchcount = batchcount;
        c.shared = shared;
        if (shared > 0) {
            ArrayCache old = c.node.shared;
            if (old != null && old.avail > 0) {
                freeBlock(c, old.entry, 0, old.avail, WRITER_CPU);
            }
            c.node.shared = new ArrayCache(shared * batchcount, 0xbaadf00d);
        } else {
            c.node.shared = null;
        }
        c.node.freeLimit = (long) (1 + cpus) * batchcount + c.num;
    }

    static int handle(Slab s, int idx) {
        return (s.id << OBJ_BITS) | idx;
    }

    Slab slabOf(int handle) {
        return slabs[handle >>> OBJ_BITS];
    }

    /** The cache an object belongs to (virt_to_cache). */
    KmemCache cacheOf(int handle) {
        return slabOf(handle).cache;
    }

    /** Allocates one object on {@code cpu}; returns a handle or one of the ALLOC_* codes. */
    // kernel: mm/slab.c ____cache_alloc()
    long cacheAlloc(KmemCache c, int cpu, Task current) {
        reaps.touch(c);
        ArrayCache ac = c.cpuCache(cpu);
        long obj;
        if (ac.avail > 0) {
            ac.touched = true;
            obj = ac.entry[--ac.avail];
        } else {
            obj = cacheAllocRefill(c, ac, cpu, current);
        }
        if (obj >= 0) {
            objectsAllocated++;
        }
        return obj;
    }

    // kernel: mm/slab.c cache_alloc_refill()
    private long cacheAllocRefill(KmemCache c, ArrayCache ac, int cpu, Task current) {
        while (true) {
            int batchcount = ac.batchcount;
            if (!ac.touched && batchcount > BATCHREFILL_LIMIT) {
                batchcount = BATCHREFILL_LIMIT;
            }
            ac.ensureCapacity(batchcount);
            KmemCacheNode l3 = c.node;
            ArrayCache shared = l3.shared;
            if (shared != null && ac.transferFrom(shared, batchcount) > 0) {
                shared.touched = true;
            } else {
                while (batchcount > 0) {
                    Slab s = l3.slabsPartial.peekFirst();
                    if (s == null) {
                        l3.freeTouched = true;
                        s = l3.slabsFree.peekFirst();
                        if (s == null) {
                            break;
                        }
                    }
                    while (s.inuse < c.num && batchcount-- > 0) {
                        ac.entry[ac.avail++] = handle(s, s.getObj());
                    }
                    LruList.unlink(s);
                    if (s.free == Slab.BUFCTL_END) {
                        l3.slabsFull.addFirst(s);
                    } else {
                        l3.slabsPartial.addFirst(s);
                    }
                }
                l3.freeObjects -= ac.avail;
            }
            if (ac.avail == 0) {
                long grown = grow.cacheGrow(c, cpu, current, false);
                if (grown < 0) {
                    return grown;
                }
                continue;
            }
            ac.touched = true;
            return ac.entry[--ac.avail];
        }
    }

    /** Frees one object on {@code cpu} into its own cache's array. */
    // kernel: mm/slab.c __cache_free()
    void cacheFree(long handle, int cpu) {
        int obj = (int) handle;
        KmemCache c = cacheOf(obj);
        reaps.touch(c);
        ArrayCache ac = c.cpuCache(cpu);
        objectsFreed++;
        if (ac.avail < ac.limit) {
            ac.ensureCapacity(1);
            ac.entry[ac.avail++] = obj;
            return;
        }
        cacheFlusharray(c, ac, cpu);
        ac.entry[ac.avail++] = obj;
    }

    // kernel: mm/slab.c cache_flusharray()
    private void cacheFlusharray(KmemCache c, ArrayCache ac, int cpu) {
        int batchcount = ac.batchcount;
        ArrayCache shared = c.node.shared;
        if (shared != null) {
            int max = shared.limit - shared.avail;
            if (max > 0) {
                batchcount = Math.min(batchcount, max);
                shared.ensureCapacity(batchcount);
                System.arraycopy(ac.entry, 0, shared.entry, shared.avail, batchcount);
                shared.avail += batchcount;
                ac.shift(batchcount);
                return;
            }
        }
        freeBlock(c, ac.entry, 0, batchcount, cpu);
        ac.shift(batchcount);
    }

    // kernel: mm/slab.c free_block()
    private void freeBlock(KmemCache c, int[] objs, int from, int n, int cpu) {
        KmemCacheNode l3 = c.node;
        for (int i = from; i < from + n; i++) {
            Slab s = slabOf(objs[i]);
            LruList.unlink(s);
            s.putObj(objs[i] & ((1 << OBJ_BITS) - 1));
            l3.freeObjects++;
            if (s.inuse == 0) {
                if (l3.freeObjects > l3.freeLimit) {
                    l3.freeObjects -= c.num;
                    grow.slabDestroy(c, s, cpu);
                } else {
                    l3.slabsFree.addFirst(s);
                }
            } else {
                l3.slabsPartial.add(s);
            }
        }
    }

    // kernel: mm/slab.c drain_array()
    private void drainArray(KmemCache c, ArrayCache ac, boolean force, int cpu) {
        if (ac == null || ac.avail == 0) {
            return;
        }
        if (ac.touched && !force) {
            ac.touched = false;
            return;
        }
        int tofree = force ? ac.avail : (ac.limit + 4) / 5;
        if (tofree > ac.avail) {
            tofree = (ac.avail + 1) / 2;
        }
        freeBlock(c, ac.entry, 0, tofree, cpu);
        ac.shift(tofree);
    }

    // kernel: mm/slab.c drain_freelist()
    private long drainFreelist(KmemCache c, long tofree, int cpu) {
        long freed = 0;
        while (freed < tofree && !c.node.slabsFree.isEmpty()) {
            Slab s = c.node.slabsFree.peekLast();
            c.node.freeObjects -= c.num;
            grow.slabDestroy(c, s, cpu);
            freed++;
        }
        return freed;
    }

    /** The periodic reap of one CPU's arrays and, when due, the node lists of every cache not quiet ({@link ReapSet}). */
    // kernel: mm/slab.c cache_reap()
    void cacheReap(int cpu, long jiffies, int hz, long nowNs) {
        // nothing here changes the chain: a cache released by the reap is destroyed later, from the workqueue
        for (KmemCache c = reaps.first(jiffies); c != null; c = reaps.next(c)) {
            if (!IdleReap.skipped(c)) {
                reapOne(c, cpu, jiffies, hz);
            }
        }
        reaps.fired(nowNs);
    }

    // kernel: mm/slab.c cache_reap(), the body of its walk of the cache chain
    private void reapOne(KmemCache c, int cpu, long jiffies, int hz) {
        drainArray(c, c.array[cpu], false, cpu);
        KmemCacheNode l3 = c.node;
        if (l3.nextReapJiffies > jiffies) {
            return;
        }
        l3.nextReapJiffies = jiffies + reapTimeoutList3(hz);
        drainArray(c, l3.shared, false, cpu);
        if (l3.freeTouched) {
            l3.freeTouched = false;
        } else {
            drainFreelist(c, (l3.freeLimit + 5L * c.num - 1) / (5L * c.num), cpu);
        }
    }

    /**
     * Empties every array and the free list of a cache: each CPU drains its own array
     * (on_each_cpu()), the writer's CPU the shared array and the free list.
     */
    // kernel: mm/slab.c __cache_shrink() / drain_cpu_caches()
    long shrink(KmemCache c) {
        reaps.touch(c);
        for (int cpu = 0; cpu < c.array.length; cpu++) {
            drainArray(c, c.array[cpu], true, cpu);
        }
        drainArray(c, c.node.shared, true, WRITER_CPU);
        return drainFreelist(c, Long.MAX_VALUE, WRITER_CPU);
    }

    /** Removes an empty cache from the chain. */
    // kernel: mm/slab.c __kmem_cache_destroy()
    boolean destroy(KmemCache c) {
        shrink(c);
        if (c.totalSlabs > 0) {
            return false;
        }
        c.destroyed = true;
        chain.remove(c);
        return true;
    }
}
