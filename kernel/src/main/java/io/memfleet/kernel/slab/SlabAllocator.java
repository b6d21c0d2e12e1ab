package io.memfleet.kernel.slab;

import io.memfleet.kernel.memcg.ChargeResult;
import io.memfleet.kernel.mm.LruList;
import io.memfleet.kernel.mm.PhysMem;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.sim.SimClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SLAB allocator of 3.3 (mm/slab.c) for one NUMA node: the per-CPU array fast paths,
 * cache_alloc_refill, cache_grow, cache_flusharray, free_block, slab destruction and cache_reap.
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

    /** The memcg side of a slab page charge (patch 07/13 kmem_getpages / kmem_freepages). */
    public interface PageCharge {
        ChargeResult chargeSlab(KmemCache c, Task current, long bytes);

        void unchargeSlab(KmemCache c, long bytes);

        /** The last reference of a dead per-cgroup cache is gone. */
        void cacheReleased(KmemCache c);
    }

    /** The page allocator's slow path: make {@code pages} pages free or say why not. */
    public interface PageSource {
        ChargeResult ensureFreePages(Task current, long pages, int order);
    }

    private final int cpus;
    private final SimClock clock;
    private final PhysMem mem;
    private final PageSource pageSource;
    private PageCharge charge;
    final List<KmemCache> chain = new ArrayList<>();
    Slab[] slabs = new Slab[64];
    final ArrayDeque<Integer> freeSlabIds = new ArrayDeque<>();
    int nextSlabId;
    long chainSeq;
    long objectsAllocated;
    long objectsFreed;

    SlabAllocator(int cpus, SimClock clock, PhysMem mem, PageSource pageSource) {
        this.cpus = cpus;
        this.clock = clock;
        this.mem = mem;
        this.pageSource = pageSource;
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
        for (int cpu = 0; cpu < cpus; cpu++) {
            ArrayCache ac = c.array[cpu];
            if (ac != null && ac.avail > 0) {
                freeBlock(c, ac.entry, 0, ac.avail);
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
                freeBlock(c, old.entry, 0, old.avail);
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
        ArrayCache ac = c.cpuCache(cpu);
        long obj;
        if (ac.avail > 0) {
            ac.touched = true;
            obj = ac.entry[--ac.avail];
        } else {
            obj = cacheAllocRefill(c, ac, current);
        }
        if (obj >= 0) {
            objectsAllocated++;
        }
        return obj;
    }

    // kernel: mm/slab.c cache_alloc_refill()
    private long cacheAllocRefill(KmemCache c, ArrayCache ac, Task current) {
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
                long grown = cacheGrow(c, current);
                if (grown < 0) {
                    return grown;
                }
                continue;
            }
            ac.touched = true;
            return ac.entry[--ac.avail];
        }
    }

    /** Adds one slab to the free list; returns 1, or an ALLOC_* code when no slab could be had. */
    // kernel: mm/slab.c cache_grow()
    private long cacheGrow(KmemCache c, Task current) {
        if (freeSlabIds.isEmpty() && nextSlabId == MAX_SLABS) {
            return ALLOC_NOMEM;
        }
        long r = kmemGetpages(c, current);
        if (r < 0) {
            return r;
        }
        int id = freeSlabIds.isEmpty() ? nextSlabId++ : freeSlabIds.pop();
        if (id >= slabs.length) {
            slabs = Arrays.copyOf(slabs, slabs.length * 2);
        }
        Slab s = new Slab(id, c);
        slabs[id] = s;
        c.node.slabsFree.add(s);
        c.node.freeObjects += c.num;
        c.totalSlabs++;
        return 1;
    }

    // kernel: mm/slab.c kmem_getpages() (with the memcg charge of patch 07/13)
    private long kmemGetpages(KmemCache c, Task current) {
        long pages = 1L << c.gfporder;
        ChargeResult cr = charge.chargeSlab(c, current, pages * PhysMem.PAGE_SIZE);
        if (cr == ChargeResult.NOMEM) {
            return ALLOC_NOMEM;
        }
        if (cr == ChargeResult.BLOCKED) {
            return ALLOC_BLOCKED;
        }
        if (cr == ChargeResult.KILLED) {
            return ALLOC_KILLED;
        }
        ChargeResult pr = pageSource.ensureFreePages(current, pages, c.gfporder);
        if (pr != ChargeResult.OK) {
            charge.unchargeSlab(c, pages * PhysMem.PAGE_SIZE);
            return pr == ChargeResult.KILLED ? ALLOC_KILLED : ALLOC_NOMEM;
        }
        mem.allocSlab(pages, c.reclaimable());
        if (c.root != null) {
            c.refcnt++;
        }
        return 0;
    }

    // kernel: mm/slab.c kmem_freepages() (with kmem_cache_drop_ref of patch 07/13)
    private void kmemFreepages(KmemCache c) {
        long pages = 1L << c.gfporder;
        mem.freeSlab(pages, c.reclaimable());
        charge.unchargeSlab(c, pages * PhysMem.PAGE_SIZE);
        if (c.root != null && --c.refcnt == 0) {
            charge.cacheReleased(c);
        }
    }

    // kernel: mm/slab.c slab_destroy()
    private void slabDestroy(KmemCache c, Slab s) {
        LruList.unlink(s);
        slabs[s.id] = null;
        freeSlabIds.push(s.id);
        c.totalSlabs--;
        kmemFreepages(c);
    }

    /** Frees one object on {@code cpu} into its own cache's array. */
    // kernel: mm/slab.c __cache_free()
    void cacheFree(long handle, int cpu) {
        int obj = (int) handle;
        KmemCache c = cacheOf(obj);
        ArrayCache ac = c.cpuCache(cpu);
        objectsFreed++;
        if (ac.avail < ac.limit) {
            ac.ensureCapacity(1);
            ac.entry[ac.avail++] = obj;
            return;
        }
        cacheFlusharray(c, ac);
        ac.entry[ac.avail++] = obj;
    }

    // kernel: mm/slab.c cache_flusharray()
    private void cacheFlusharray(KmemCache c, ArrayCache ac) {
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
        freeBlock(c, ac.entry, 0, batchcount);
        ac.shift(batchcount);
    }

    // kernel: mm/slab.c free_block()
    private void freeBlock(KmemCache c, int[] objs, int from, int n) {
        KmemCacheNode l3 = c.node;
        for (int i = from; i < from + n; i++) {
            Slab s = slabOf(objs[i]);
            LruList.unlink(s);
            s.putObj(objs[i] & ((1 << OBJ_BITS) - 1));
            l3.freeObjects++;
            if (s.inuse == 0) {
                if (l3.freeObjects > l3.freeLimit) {
                    l3.freeObjects -= c.num;
                    slabDestroy(c, s);
                } else {
                    l3.slabsFree.addFirst(s);
                }
            } else {
                l3.slabsPartial.add(s);
            }
        }
    }

    // kernel: mm/slab.c drain_array()
    private void drainArray(KmemCache c, ArrayCache ac, boolean force) {
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
        freeBlock(c, ac.entry, 0, tofree);
        ac.shift(tofree);
    }

    // kernel: mm/slab.c drain_freelist()
    private long drainFreelist(KmemCache c, long tofree) {
        long freed = 0;
        while (freed < tofree && !c.node.slabsFree.isEmpty()) {
            Slab s = c.node.slabsFree.peekLast();
            c.node.freeObjects -= c.num;
            slabDestroy(c, s);
            freed++;
        }
        return freed;
    }

    /** The periodic reap of one CPU's arrays and, when due, the node lists of every cache. */
    // kernel: mm/slab.c cache_reap()
    void cacheReap(int cpu, long jiffies, int hz) {
        // nothing here changes the chain: a cache released by the reap is destroyed later, from the workqueue
        for (int i = 0; i < chain.size(); i++) {
            KmemCache c = chain.get(i);
            if (c.destroyed || (c.root != null && c.refcnt == 0)) {
                continue;
            }
            drainArray(c, c.array[cpu], false);
            KmemCacheNode l3 = c.node;
            if (l3.nextReapJiffies > jiffies) {
                continue;
            }
            l3.nextReapJiffies = jiffies + reapTimeoutList3(hz);
            drainArray(c, l3.shared, false);
            if (l3.freeTouched) {
                l3.freeTouched = false;
            } else {
                drainFreelist(c, (l3.freeLimit + 5L * c.num - 1) / (5L * c.num));
            }
        }
    }

    /** Empties every array and the free list of a cache (before destroying it). */
    // kernel: mm/slab.c __cache_shrink() / drain_cpu_caches()
    long shrink(KmemCache c) {
        for (ArrayCache ac : c.array) {
            drainArray(c, ac, true);
        }
        drainArray(c, c.node.shared, true);
        return drainFreelist(c, Long.MAX_VALUE);
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
