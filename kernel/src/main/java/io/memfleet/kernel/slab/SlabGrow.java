package io.memfleet.kernel.slab;

import io.memfleet.kernel.memcg.ChargeResult;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.mm.LruList;
import io.memfleet.kernel.mm.PhysMem;
import java.util.Arrays;
import java.util.IdentityHashMap;

/**
 * A cache's slabs come and go here: cache_grow() and slab_destroy(), with kmem_getpages() and
 * kmem_freepages() and their memcg charge (07/13), and for an off-slab cache the descriptor,
 * allocated from its slabp_cache (alloc_slabmgmt()) through kmem_cache_alloc(), which 07/13 sends
 * to the current task's per-cgroup kmalloc cache, charged like any kmalloc, and freed after the
 * pages. A task whose page charge sleeps in a memcg OOM wait is remembered with the cache it
 * grows (and, when that grow was for a descriptor, the off-slab cache whose new pages wait for
 * it); each cache of a sleeping grow holds a reference until the task finishes it or exits, and
 * so does the group whose charge sleeps (the css reference mem_cgroup_charge_slab() took), which
 * the retry charges even if rmdir has since made the cache dead.
 */
final class SlabGrow {
    /**
     * Where a task sleeps: in the page charge of {@code cache}'s grow to {@code memcg}, for
     * {@code heldFor}'s descriptor if not null.
     */
    record Sleep(KmemCache cache, KmemCache heldFor, MemCgroup memcg) { }

    private final SlabAllocator alloc;
    private final PhysMem mem;
    private final SlabAllocator.PageSource pageSource;
    /** Each sleeping task's grow; looked up by task, never iterated. */
    final IdentityHashMap<Task, Sleep> sleeping = new IdentityHashMap<>();

    SlabGrow(SlabAllocator alloc, PhysMem mem, SlabAllocator.PageSource pageSource) {
        this.alloc = alloc;
        this.mem = mem;
        this.pageSource = pageSource;
    }

    /** Adds one slab to the free list; returns 1, or an ALLOC_* code when no slab could be had. */
    // kernel: mm/slab.c cache_grow() (with mem_cgroup_kmem_cache_prepare_sleep() of patch 07/13)
    long cacheGrow(KmemCache c, int cpu, Task current, boolean exact) {
        return cacheGrow(c, c.memcg, cpu, current, exact);
    }

    /** cache_grow() charging {@code memcg}: the cache's group, or for a retry the group resolved before the sleep. */
    private long cacheGrow(KmemCache c, MemCgroup memcg, int cpu, Task current, boolean exact) {
        alloc.reaps.touch(c);
        if (noSlabId()) {
            return SlabAllocator.ALLOC_NOMEM;
        }
        long r = kmemGetpages(c, memcg, current, exact);
        if (r == SlabAllocator.ALLOC_BLOCKED) {
            sleeping.put(current, new Sleep(c, null, memcg));
            getRef(c);
            memcg.pinBySlab(1); // blocked means a charge was tried: memcg is not null
        }
        if (r < 0) {
            return r;
        }
        return addSlab(c, cpu, current, null);
    }

    private boolean noSlabId() {
        return alloc.freeSlabIds.isEmpty() && alloc.nextSlabId == SlabAllocator.MAX_SLABS;
    }

    /**
     * The rest of cache_grow() once c's pages are had: an off-slab cache's descriptor from
     * {@code mgmtCache} (null: the one 07/13 picks for its slabp_cache in current's context), then
     * the slab on the free list. A descriptor that cannot be had frees the pages, unless its charge
     * sleeps: then the pages wait with the task for it.
     */
    // kernel: mm/slab.c cache_grow(), alloc_slabmgmt()
    private long addSlab(KmemCache c, int cpu, Task current, KmemCache mgmtCache) {
        alloc.reaps.touch(c);
        int mgmt = -1;
        if (c.offSlab) {
            KmemCache dc = mgmtCache != null ? mgmtCache : alloc.charge.getKmemCache(alloc.slabpCache(c), current);
            long d = alloc.cacheAlloc(dc, cpu, current);
            if (d == SlabAllocator.ALLOC_BLOCKED) {
                Sleep inner = sleeping.get(current);
                sleeping.put(current, new Sleep(inner.cache(), c, inner.memcg()));
                getRef(c);
                return d;
            }
            if (d >= 0 && noSlabId()) {
                alloc.cacheFree(d, cpu);
                d = SlabAllocator.ALLOC_NOMEM;
            }
            if (d < 0) {
                kmemFreepages(c);
                return d;
            }
            mgmt = (int) d;
        }
        int id = alloc.freeSlabIds.isEmpty() ? alloc.nextSlabId++ : alloc.freeSlabIds.pop();
        if (id >= alloc.slabs.length) {
            alloc.slabs = Arrays.copyOf(alloc.slabs, alloc.slabs.length * 2);
        }
        Slab s = new Slab(id, c);
        s.mgmt = mgmt;
        alloc.slabs[id] = s;
        c.node.slabsFree.add(s);
        c.node.freeObjects += c.num;
        c.totalSlabs++;
        return 1;
    }

    /** The cache the allocation a sleeping task was making comes from, or null. */
    KmemCache growing(Task t) {
        Sleep s = sleeping.get(t);
        return s == null ? null : s.heldFor() != null ? s.heldFor() : s.cache();
    }

    /**
     * A task woken from the OOM wait of a cache_grow finishes it: the charge is retried with the
     * exact size (CHARGE_RETRY sets batch = nr_pages); a grow for a descriptor then gives the
     * waiting off-slab cache its slab. The sleep's references are dropped. The retry charges the
     * group resolved before the sleep, also when rmdir has made the cache dead meanwhile
     * ({@link SlabAllocator.PageCharge#resumeTarget}). Returns 0 when there was nothing to finish,
     * else what cache_grow returns.
     */
    // kernel: mm/memcontrol.c __mem_cgroup_try_charge() CHARGE_RETRY; mm/slab.c cache_grow()
    long resumeGrow(Task t, int cpu) {
        Sleep s = sleeping.remove(t);
        if (s == null) {
            return 0;
        }
        long r = cacheGrow(s.cache(), alloc.charge.resumeTarget(s.cache(), s.memcg()), cpu, t, true);
        dropRef(s.cache());
        alloc.charge.sleepEnded(s.memcg());
        KmemCache outer = s.heldFor();
        if (outer == null) {
            return r;
        }
        if (r == SlabAllocator.ALLOC_BLOCKED) {
            // asleep again, still for the descriptor: the outer cache keeps its reference
            sleeping.put(t, new Sleep(s.cache(), outer, sleeping.get(t).memcg()));
            return r;
        }
        if (r < 0) {
            kmemFreepages(outer);
        } else {
            r = addSlab(outer, cpu, t, s.cache());
        }
        dropRef(outer);
        return r;
    }

    /** A task that exits (or is killed) while it sleeps in a cache_grow: pages held for a descriptor are freed. */
    void forgetSleeper(Task t) {
        Sleep s = sleeping.remove(t);
        if (s == null) {
            return;
        }
        dropRef(s.cache());
        alloc.charge.sleepEnded(s.memcg());
        if (s.heldFor() != null) {
            kmemFreepages(s.heldFor());
            dropRef(s.heldFor());
        }
    }

    // kernel: mm/slab.c kmem_cache_get_ref() (patch 07/13)
    private static void getRef(KmemCache c) {
        if (c.root != null) {
            c.refcnt++;
        }
    }

    // kernel: mm/slab.c kmem_cache_drop_ref() (patch 07/13)
    private void dropRef(KmemCache c) {
        alloc.reaps.touch(c); // up to date before cache_reap may stop visiting it
        if (c.root != null && --c.refcnt == 0) {
            alloc.charge.cacheReleased(c);
        }
    }

    // kernel: mm/slab.c kmem_getpages() (with the memcg charge of patch 07/13)
    private long kmemGetpages(KmemCache c, MemCgroup memcg, Task current, boolean exact) {
        long pages = 1L << c.gfporder;
        ChargeResult cr = alloc.charge.chargeSlab(c, memcg, current, pages * PhysMem.PAGE_SIZE, exact);
        if (cr == ChargeResult.NOMEM) {
            return SlabAllocator.ALLOC_NOMEM;
        }
        if (cr == ChargeResult.BLOCKED) {
            return SlabAllocator.ALLOC_BLOCKED;
        }
        if (cr == ChargeResult.KILLED) {
            return SlabAllocator.ALLOC_KILLED;
        }
        ChargeResult pr = pageSource.ensureFreePages(current, pages, c.gfporder);
        if (pr != ChargeResult.OK) {
            alloc.charge.unchargeKmem(memcg, pages * PhysMem.PAGE_SIZE);
            return pr == ChargeResult.KILLED ? SlabAllocator.ALLOC_KILLED : SlabAllocator.ALLOC_NOMEM;
        }
        mem.allocSlab(pages, c.reclaimable());
        getRef(c);
        if (c.dead && memcg != null) {
            alloc.charge.deadCacheCharged(memcg);
        }
        return 0;
    }

    // kernel: mm/slab.c kmem_freepages() (with kmem_cache_drop_ref of patch 07/13)
    private void kmemFreepages(KmemCache c) {
        alloc.reaps.touch(c);
        long pages = 1L << c.gfporder;
        mem.freeSlab(pages, c.reclaimable());
        alloc.charge.unchargeSlab(c, pages * PhysMem.PAGE_SIZE);
        dropRef(c);
    }

    /** Frees a slab no object of which is in use; {@code cpu} is the CPU doing it. */
    // kernel: mm/slab.c slab_destroy()
    void slabDestroy(KmemCache c, Slab s, int cpu) {
        LruList.unlink(s);
        alloc.slabs[s.id] = null;
        alloc.freeSlabIds.push(s.id);
        c.totalSlabs--;
        kmemFreepages(c);
        if (s.mgmt >= 0) {
            alloc.cacheFree(s.mgmt, cpu); // kmem_cache_free(slabp_cache): 07/13 finds the descriptor's own cache
        }
    }

    /** Descriptor objects of off-slab slabs: allocated objects no task holds. */
    long descriptors() {
        long n = 0;
        for (int id = 0; id < alloc.nextSlabId; id++) {
            if (alloc.slabs[id] != null && alloc.slabs[id].mgmt >= 0) {
                n++;
            }
        }
        return n;
    }
}
