package io.memfleet.kernel.slab;

import io.memfleet.kernel.memcg.ChargeResult;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.mm.LruList;
import io.memfleet.kernel.mm.PhysMem;
import java.util.Arrays;
import java.util.IdentityHashMap;

/**
 * A cache's slabs come and go here: cache_grow() and slab_destroy(), with kmem_getpages() and
 * kmem_freepages() and their memcg charge (07/13). A task whose page charge sleeps in a memcg OOM
 * wait is remembered with the cache it grows, which its sleep holds a reference on, until it
 * wakes and finishes the grow or exits.
 */
final class SlabGrow {
    private final SlabAllocator alloc;
    private final PhysMem mem;
    private final SlabAllocator.PageSource pageSource;
    /** The cache whose cache_grow each task sleeps in; looked up by task, never iterated. */
    final IdentityHashMap<Task, KmemCache> sleeping = new IdentityHashMap<>();

    SlabGrow(SlabAllocator alloc, PhysMem mem, SlabAllocator.PageSource pageSource) {
        this.alloc = alloc;
        this.mem = mem;
        this.pageSource = pageSource;
    }

    /** Adds one slab to the free list; returns 1, or an ALLOC_* code when no slab could be had. */
    // kernel: mm/slab.c cache_grow() (with mem_cgroup_kmem_cache_prepare_sleep() of patch 07/13)
    long cacheGrow(KmemCache c, int cpu, Task current, boolean exact) {
        if (alloc.freeSlabIds.isEmpty() && alloc.nextSlabId == SlabAllocator.MAX_SLABS) {
            return SlabAllocator.ALLOC_NOMEM;
        }
        long r = kmemGetpages(c, current, exact);
        if (r == SlabAllocator.ALLOC_BLOCKED) {
            sleeping.put(current, c);
            getRef(c);
        }
        if (r < 0) {
            return r;
        }
        int id = alloc.freeSlabIds.isEmpty() ? alloc.nextSlabId++ : alloc.freeSlabIds.pop();
        if (id >= alloc.slabs.length) {
            alloc.slabs = Arrays.copyOf(alloc.slabs, alloc.slabs.length * 2);
        }
        Slab s = new Slab(id, c);
        alloc.slabs[id] = s;
        c.node.slabsFree.add(s);
        c.node.freeObjects += c.num;
        c.totalSlabs++;
        return 1;
    }

    /**
     * A task woken from the OOM wait of a cache_grow finishes it: the charge is retried with the
     * exact size (CHARGE_RETRY sets batch = nr_pages), then the sleep's reference is dropped.
     * Returns 0 when there was nothing to finish, else what cache_grow returns.
     */
    // kernel: mm/memcontrol.c __mem_cgroup_try_charge() CHARGE_RETRY; mm/slab.c cache_grow()
    long resumeGrow(Task t, int cpu) {
        KmemCache c = sleeping.remove(t);
        if (c == null) {
            return 0;
        }
        long r = cacheGrow(c, cpu, t, true);
        dropRef(c);
        return r;
    }

    /** A task that exits (or is killed) while it sleeps in a cache_grow drops the cache's reference. */
    void forgetSleeper(Task t) {
        KmemCache c = sleeping.remove(t);
        if (c != null) {
            dropRef(c);
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
        if (c.root != null && --c.refcnt == 0) {
            alloc.charge.cacheReleased(c);
        }
    }

    // kernel: mm/slab.c kmem_getpages() (with the memcg charge of patch 07/13)
    private long kmemGetpages(KmemCache c, Task current, boolean exact) {
        long pages = 1L << c.gfporder;
        ChargeResult cr = alloc.charge.chargeSlab(c, current, pages * PhysMem.PAGE_SIZE, exact);
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
            alloc.charge.unchargeSlab(c, pages * PhysMem.PAGE_SIZE);
            return pr == ChargeResult.KILLED ? SlabAllocator.ALLOC_KILLED : SlabAllocator.ALLOC_NOMEM;
        }
        mem.allocSlab(pages, c.reclaimable());
        getRef(c);
        return 0;
    }

    // kernel: mm/slab.c kmem_freepages() (with kmem_cache_drop_ref of patch 07/13)
    private void kmemFreepages(KmemCache c) {
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
    }
}
