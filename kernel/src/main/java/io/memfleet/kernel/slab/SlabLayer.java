package io.memfleet.kernel.slab;

import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.image.CacheImage;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.ChargeResult;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemcgCharger;
import io.memfleet.kernel.memcg.MemcgDying;
import io.memfleet.kernel.memcg.MemcgOomWait;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.mm.PhysMem;
import io.memfleet.kernel.sim.EventQueue;
import io.memfleet.kernel.sim.SimClock;
import io.memfleet.kernel.sim.Workqueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The node's slab layer as the rest of the kernel uses it: the dentry and kmalloc caches, the
 * objects each task holds, unused dentries left by exited tasks, the periodic cache_reap, and the
 * /proc/slabinfo and memory.kmem.slabinfo views.
 */
public final class SlabLayer {
    /** Result of allocating many objects: how many succeeded and why it stopped. */
    public record Outcome(ChargeResult result, long done) { }

    static final int REAP_PRIORITY = 10;

    private final int cpus;
    final SlabAllocator alloc;
    final MemcgKmem memcgKmem;
    private final List<KmemCache> general = new ArrayList<>();
    private final KmemCache dentryCache;
    final TaskObjects irqObjects = new TaskObjects();
    /** The objects each live task holds; looked up by task, never iterated (its order is not the kernel's). */
    final java.util.IdentityHashMap<Task, TaskObjects> taskObjects = new java.util.IdentityHashMap<>();
    /** Dentries no task holds any more, oldest first: what drop_caches and shrink_slab free. */
    final HandleList unusedDentries = new HandleList();
    final EventQueue events;
    final Workqueue workqueue;

    /**
     * The slab layer of a node whose kmem charges go through {@code charger}; the caller installs
     * {@link #kmemHooks()} in the memory controller (when kmem is accounted) and {@link #shrinkSlab}
     * in its reclaim.
     */
    public SlabLayer(int cpus, KernelConfig config, PhysMem mem, MemcgCharger charger, MemcgOomWait oomWait,
                     MemcgDying dying, Workqueue workqueue, EventQueue events, SlabAllocator.PageSource pages) {
        this.cpus = cpus;
        this.events = events;
        this.workqueue = workqueue;
        this.alloc = new SlabAllocator(cpus, events.clock(), mem, pages);
        this.memcgKmem = new MemcgKmem(config, charger, oomWait, dying, workqueue, alloc);
        alloc.setPageCharge(memcgKmem);
        List<SlabGeometry.Shape> shapes = SlabGeometry.generalCaches();
        KmemCache[] bySize = new KmemCache[shapes.size()];
        int id = 0;
        for (int idx : SlabGeometry.bootOrder()) {
            bySize[idx] = alloc.create(shapes.get(idx), id++, null, null); // ids in creation order (find_first_zero_bit)
        }
        general.addAll(List.of(bySize));
        alloc.setGeneralCaches(bySize);
        dentryCache = alloc.create(SlabGeometry.dentry(), id, null, null); // dcache_init(), after kmem_cache_init()
        memcgKmem.setCreateWorkCache(general.get(SlabGeometry.generalIndex(MemcgKmem.CREATE_WORK_SIZE)));
        for (int cpu = 0; cpu < cpus; cpu++) {
            scheduleReap(cpu, SimClock.NSEC_PER_SEC + events.clock().jiffiesToNs(3L * cpu));
        }
        alloc.reaps.setFirings(IdleReap.firings(events.clock(), events.pending(a -> a instanceof CacheReap)),
                events.clock().hz());
    }

    /** What rmdir calls before it moves a group's pages to its parent (patch 03/13). */
    public MemController.KmemHooks kmemHooks() {
        return memcgKmem;
    }

    private void scheduleReap(int cpu, long atNs) {
        events.schedule(atNs, REAP_PRIORITY, new CacheReap(cpu));
    }

    /** The per-CPU reap timer: every 2 s it reaps one CPU's arrays (and, when due, the node lists). */
    // kernel: mm/slab.c start_cpu_timer() / cache_reap() work
    final class CacheReap implements Runnable {
        final int cpu;

        CacheReap(int cpu) {
            this.cpu = cpu;
        }

        @Override
        public void run() {
            alloc.cacheReap(cpu, events.clock().jiffies(), events.clock().hz(), events.clock().nowNs());
            scheduleReap(cpu, SimClock.later(events.clock().nowNs(), 1, IdleReap.PERIOD_NS));
        }
    }

    /**
     * If the node is idle (see {@link IdleReap}) and only reap timers fall due before
     * {@code untilNs}, moves the caches and the timers to where those firings would leave them and
     * returns true; else changes nothing.
     */
    public boolean skipIdleReaps(long untilNs) {
        if (!events.pending(a -> !(a instanceof CacheReap)).stream().allMatch(e -> e.timeNs() > untilNs)
                || !alloc.reaps.idle()) {
            return false;
        }
        alloc.reaps.skippedUntil(untilNs);
        events.skipPeriodic(untilNs, IdleReap.PERIOD_NS, a -> a instanceof CacheReap);
        return true;
    }

    /** For tests: every reap firing visits every cache, quiet or not (the state is the same). */
    public void setEagerReap(boolean on) {
        alloc.reaps.setEager(on);
    }

    /** Caches visited by reap firings since boot (not saved in checkpoints), for tests of what ticks cost. */
    public long reapVisits() {
        return alloc.reaps.visits();
    }

    private TaskObjects objects(Task t) {
        TaskObjects o = taskObjects.get(t);
        if (o == null) {
            o = new TaskObjects();
            taskObjects.put(t, o);
        }
        return o;
    }

    /**
     * d_alloc for {@code n} new short names in {@code t}'s context; {@code resumed} when the task
     * was woken from the OOM wait a cache_grow of this call slept in.
     */
    // kernel: fs/dcache.c __d_alloc() (accounted by patch 08/13)
    public Outcome dentryAlloc(Task t, long n, boolean resumed) {
        return allocMany(t, dentryCache, n, objects(t).dentries, t.cpu(), resumed);
    }

    /**
     * {@code n} allocations from {@code cachep} (or the per-cgroup cache 07/13 picks for it), each
     * pushed on {@code into}. A call resumed after an OOM wait first finishes the cache_grow it
     * slept in (its charge retried with the exact size), and its first object comes from that cache.
     */
    // kernel: mm/slab.c kmem_cache_alloc() with mem_cgroup_get_kmem_cache() of patch 07/13
    private Outcome allocMany(Task t, KmemCache cachep, long n, HandleList into, int cpu, boolean resumed) {
        KmemCache c = null;
        if (resumed && t != null) {
            c = alloc.grow.growing(t);
            long r = alloc.grow.resumeGrow(t, cpu);
            if (r < 0) {
                return new Outcome(result(r), 0);
            }
        }
        for (long i = 0; i < n; i++) {
            if (c == null || (c.root == null && i > 0)) {
                c = memcgKmem.getKmemCache(cachep, t); // a per-cgroup cache, once found, stays for the call
            }
            long h = alloc.cacheAlloc(c, cpu, t);
            if (h < 0) {
                return new Outcome(result(h), i);
            }
            into.push((int) h);
        }
        return new Outcome(ChargeResult.OK, n);
    }

    /** Frees up to {@code n} of the dentries the task allocated, newest first. */
    // kernel: fs/dcache.c d_free()
    public long dentryFree(Task t, long n) {
        HandleList l = objects(t).dentries;
        long done = 0;
        while (done < n && !l.isEmpty()) {
            alloc.cacheFree(l.pop(), t.cpu());
            done++;
        }
        return done;
    }

    /**
     * kmalloc(size, GFP_KERNEL) {@code n} times; {@code t} null means interrupt context on CPU 0;
     * {@code resumed} as for {@link #dentryAlloc}.
     */
    // kernel: mm/slab.c __do_kmalloc() (accounted by patch 09/13)
    public Outcome kmalloc(Task t, long size, long n, boolean resumed) {
        if (size == 0) {
            return new Outcome(ChargeResult.OK, n); // kernel: mm/slab.c __do_kmalloc(): ZERO_SIZE_PTR, nothing allocated
        }
        int idx = SlabGeometry.generalIndex(size);
        if (idx < 0) {
            return new Outcome(ChargeResult.NOMEM, 0);
        }
        HandleList l = (t == null ? irqObjects : objects(t)).kmallocList(size);
        return allocMany(t, general.get(idx), n, l, t == null ? 0 : t.cpu(), resumed);
    }

    /** kfree of up to {@code n} objects of that requested size, newest first. */
    // kernel: mm/slab.c kfree()
    public long kfree(Task t, long size, long n) {
        TaskObjects objs = t == null ? irqObjects : objects(t);
        HandleList l = objs.kmalloc.get(size);
        int cpu = t == null ? 0 : t.cpu();
        long done = 0;
        while (l != null && done < n && !l.isEmpty()) {
            alloc.cacheFree(l.pop(), cpu);
            done++;
        }
        return done;
    }

    /** kmem_cache_alloc in {@code t}'s context: picks the per-cgroup cache, returns a handle or ALLOC_* code. */
    // kernel: mm/slab.c kmem_cache_alloc() with mem_cgroup_get_kmem_cache() of patch 07/13
    public long kmemCacheAlloc(KmemCache cachep, Task t) {
        return alloc.cacheAlloc(memcgKmem.getKmemCache(cachep, t), t.cpu(), t);
    }

    /** kmem_cache_free of an object on {@code cpu}: it goes back to the cache it came from. */
    // kernel: mm/slab.c kmem_cache_free()
    public void kmemCacheFree(long obj, int cpu) {
        alloc.cacheFree(obj, cpu);
    }

    private static ChargeResult result(long code) {
        if (code == SlabAllocator.ALLOC_BLOCKED) {
            return ChargeResult.BLOCKED;
        }
        return code == SlabAllocator.ALLOC_KILLED ? ChargeResult.KILLED : ChargeResult.NOMEM;
    }

    /** Exit: kmalloc objects are freed; dentries stay in the dcache, unused. */
    public void exitTask(Task t) {
        alloc.grow.forgetSleeper(t);
        TaskObjects objs = taskObjects.remove(t);
        if (objs == null) {
            return;
        }
        for (Map.Entry<Long, HandleList> e : objs.kmalloc.entrySet()) {
            HandleList l = e.getValue();
            while (!l.isEmpty()) {
                alloc.cacheFree(l.pop(), t.cpu());
            }
        }
        unusedDentries.addAll(objs.dentries);
    }

    /** drop_caches 2: frees every unused dentry; returns how many. */
    // kernel: fs/drop_caches.c drop_slab() -> fs/dcache.c prune_dcache_sb()
    public long dropSlab() {
        long n = unusedDentries.size();
        while (!unusedDentries.isEmpty()) {
            alloc.cacheFree(unusedDentries.pollFirst(), 0);
        }
        return n;
    }

    /** shrink_slab under global pressure: frees unused dentries, oldest first; returns pages freed. */
    // kernel: mm/vmscan.c shrink_slab()
    public long shrinkSlab(long targetPages) {
        long before = slabPages();
        long budget = targetPages * dentryCache.num;
        while (budget-- > 0 && !unusedDentries.isEmpty()) {
            alloc.cacheFree(unusedDentries.pollFirst(), 0);
        }
        for (KmemCache c : new ArrayList<>(alloc.chain())) {
            if (c.reclaimable()) {
                alloc.shrink(c);
            }
        }
        return Math.max(0, before - slabPages());
    }

    private long slabPages() {
        long n = 0;
        for (KmemCache c : alloc.chain()) {
            n += c.totalSlabs << c.gfporder;
        }
        return n;
    }

    public List<KmemCache> caches() {
        return alloc.chain();
    }

    /** Every cache as /proc/slabinfo shows it, in chain order; a quiet cache's picture is reused while it stays quiet. */
    public List<CacheImage> cacheImages() {
        List<CacheImage> out = new ArrayList<>(alloc.chain().size());
        for (KmemCache c : alloc.chain()) {
            CacheImage im = alloc.reaps.stableImage(c);
            if (im == null) {
                MemCgroup owner = c.memcg();
                String path = owner != null ? owner.path() : c.isDead() ? c.deadMemcgPath() : "";
                im = new CacheImage(c.name(), owner == null ? 0 : owner.id(), path, c.isMemcgCache(), c.isDead(),
                        c.activeObjs(), c.numObjs(), c.bufferSize(), c.objectsPerSlab(), c.pagesPerSlab(), c.limit(),
                        c.batchcount(), c.sharedFactor(), c.activeSlabs(), c.slabs(), c.sharedAvail());
                alloc.reaps.keepImage(c, im);
            }
            out.add(im);
        }
        return out;
    }

    public KmemCache dentryCache() {
        return dentryCache;
    }

    public KmemCache generalCache(long size) {
        int idx = SlabGeometry.generalIndex(size);
        return idx < 0 ? null : general.get(idx);
    }

    public long unusedDentries() {
        return unusedDentries.size();
    }

    public long objectsAllocated() {
        return alloc.objectsAllocated();
    }

    public long objectsFreed() {
        return alloc.objectsFreed();
    }

    /** Sets a cache's tunables, as a write to /proc/slabinfo does; its whole family follows (10/13). */
    public void setTunables(KmemCache c, int limit, int batchcount, int shared) {
        memcgKmem.setTunables(c, limit, batchcount, shared);
    }

    /** Destroys a root cache and its per-cgroup children (kmem_cache_destroy); false if objects remain. */
    public boolean destroyCache(KmemCache c) {
        return memcgKmem.kmemCacheDestroy(c);
    }

    /** Cache creation requests waiting on the workqueue; each holds one small kmalloc object. */
    public int pendingCreations() {
        return memcgKmem.pendingCreations();
    }

    /** Objects live anywhere: held by tasks, irq context, unused dentries or off-slab slabs as descriptors. */
    public long heldObjects(Iterable<Task> tasks) {
        long n = unusedDentries.size() + held(irqObjects) + alloc.grow.descriptors();
        for (Task t : tasks) {
            TaskObjects o = taskObjects.get(t);
            if (o != null) {
                n += held(o);
            }
        }
        return n;
    }

    private static long held(TaskObjects o) {
        long n = o.dentries.size();
        for (HandleList l : o.kmalloc.values()) {
            n += l.size();
        }
        return n;
    }

    public int cpus() {
        return cpus;
    }
}
