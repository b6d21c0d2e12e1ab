package io.memfleet.kernel.slab;

import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.memcg.ChargeMode;
import io.memfleet.kernel.memcg.ChargeResult;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.MemcgCharger;
import io.memfleet.kernel.memcg.MemcgDying;
import io.memfleet.kernel.memcg.MemcgOomWait;
import io.memfleet.kernel.memcg.OomKiller;
import io.memfleet.kernel.memcg.ResCounter;
import io.memfleet.kernel.mm.PhysMem;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.sim.Workqueue;
import java.util.ArrayList;
import java.util.List;

/**
 * The memcg side of the v2 series: per-cgroup cache selection and asynchronous creation (07/13),
 * the kmem charge of slab pages (02/13, 11/13), dead caches at rmdir (03/13, 07/13) and children
 * tracking (10/13).
 */
final class MemcgKmem implements SlabAllocator.PageCharge, MemController.KmemHooks {
    /** MAX_KMEM_CACHE_TYPES of patch 07/13. */
    static final int MAX_KMEM_CACHE_TYPES = 400;
    /** sizeof(struct create_work) on x86_64: two pointers and a list_head. */
    static final int CREATE_WORK_SIZE = 32;

    record CreateRequest(MemCgroup memcg, KmemCache cache, long requestObj) { }

    /** The work item that creates queued per-cgroup caches (one per kernel). */
    final Runnable createWork = this::memcgCreateCacheWorkFunc;

    /** The work item that destroys a dead cache whose last slab is gone. */
    final class DestroyCacheWork implements Runnable {
        final KmemCache cache;

        DestroyCacheWork(KmemCache cache) {
            this.cache = cache;
        }

        @Override
        public void run() {
            kmemCacheDestroy(cache);
        }
    }

    private final KernelConfig config;
    private final boolean accounting;
    private final MemcgCharger charger;
    private final MemcgOomWait oomWait;
    private final MemcgDying dying;
    private final Workqueue workqueue;
    private final SlabAllocator alloc;
    final List<CreateRequest> createQueue = new ArrayList<>();
    /** Per-cgroup caches (patch 07/13): by css id, then by root cache id; rows are created lazily. */
    private KmemCache[][] memcgCaches = new KmemCache[8][];
    private KmemCache createWorkCache;

    MemcgKmem(KernelConfig config, MemcgCharger charger, MemcgOomWait oomWait, MemcgDying dying, Workqueue workqueue,
              SlabAllocator alloc) {
        this.config = config;
        this.accounting = config.kmemAccounting();
        this.charger = charger;
        this.oomWait = oomWait;
        this.dying = dying;
        this.workqueue = workqueue;
        this.alloc = alloc;
    }

    int pendingCreations() {
        return createQueue.size();
    }

    void setCreateWorkCache(KmemCache c) {
        this.createWorkCache = c;
    }

    /** Chooses the cache an allocation from {@code cachep} uses; may queue a per-cgroup cache's creation. */
    // kernel: mm/memcontrol.c mem_cgroup_get_kmem_cache() (patch 07/13)
    @Override
    public KmemCache getKmemCache(KmemCache cachep, Task current) {
        if (current == null || !accounting || (cachep.flags & KmemCache.SLAB_MEMCG_ACCT) == 0 || cachep.root != null) {
            return cachep;
        }
        MemCgroup memcg = current.memcg();
        KmemCache[] row = row(memcg); // never created for the root cgroup
        if (row != null && cachep.id < row.length && row[cachep.id] != null) {
            return row[cachep.id];
        }
        if (!memcg.isRoot()) {
            memcgCreateCacheEnqueue(memcg, cachep, current);
        }
        return cachep;
    }

    // kernel: mm/memcontrol.c memcg_create_cache_enqueue() (patch 07/13)
    private void memcgCreateCacheEnqueue(MemCgroup memcg, KmemCache cachep, Task current) {
        for (CreateRequest r : createQueue) {
            if (r.memcg == memcg && r.cache == cachep) {
                return;
            }
        }
        long obj = alloc.cacheAlloc(createWorkCache, current.cpu(), null); // kmalloc_no_account(GFP_NOWAIT)
        if (obj < 0) {
            return;
        }
        boolean first = createQueue.isEmpty();
        createQueue.add(new CreateRequest(memcg, cachep, obj));
        if (first) {
            workqueue.scheduleWork(createWork);
        }
    }

    // kernel: mm/memcontrol.c memcg_create_cache_work_func() (patch 07/13)
    private void memcgCreateCacheWorkFunc() {
        List<CreateRequest> batch = new ArrayList<>(createQueue);
        createQueue.clear();
        for (CreateRequest r : batch) {
            alloc.cacheFree(r.requestObj, 0);
            if (r.memcg.isRemoved()) {
                continue;
            }
            memcgCreateKmemCache(r.memcg, r.cache);
        }
    }

    /** The group's per-cgroup caches by root cache id, or null before its first one. */
    private KmemCache[] row(MemCgroup memcg) {
        return memcg.id() < memcgCaches.length ? memcgCaches[memcg.id()] : null;
    }

    /**
     * The group's row, made or grown so that it holds root cache {@code id}. Rows grow with the
     * ids in use rather than being MAX_KMEM_CACHE_TYPES long: a node has a few dozen root caches.
     */
    KmemCache[] createRow(MemCgroup memcg, int id) {
        if (memcg.id() >= memcgCaches.length) {
            memcgCaches = java.util.Arrays.copyOf(memcgCaches, Math.max(memcg.id() + 1, memcgCaches.length * 2));
        }
        KmemCache[] row = memcgCaches[memcg.id()];
        if (row == null || row.length <= id) {
            int length = Math.min(MAX_KMEM_CACHE_TYPES, Math.max(id + 1, row == null ? 32 : row.length * 2));
            row = row == null ? new KmemCache[length] : java.util.Arrays.copyOf(row, length);
            memcgCaches[memcg.id()] = row;
        }
        return row;
    }

    // kernel: mm/memcontrol.c memcg_create_kmem_cache() (patch 07/13)
    private void memcgCreateKmemCache(MemCgroup memcg, KmemCache cachep) {
        KmemCache[] row = createRow(memcg, cachep.id);
        if (row[cachep.id] != null) {
            return;
        }
        String name = cachep.name + "(" + memcg.id() + ":" + memcg.name() + ")";
        SlabGeometry.Shape shape = new SlabGeometry.Shape(name, cachep.bufferSize, cachep.num, cachep.gfporder,
                cachep.flags);
        KmemCache c = alloc.create(shape, cachep.id, memcg, cachep);
        cachep.children.add(0, c); // list_add() to the root's sibling_list (10/13): newest first
        row[cachep.id] = c;
    }

    // kernel: mm/memcontrol.c mem_cgroup_flush_cache_create_queue() (patch 07/13)
    private void flushCacheCreateQueue() {
        for (CreateRequest r : createQueue) {
            alloc.cacheFree(r.requestObj, 0);
        }
        createQueue.clear();
    }

    /**
     * rmdir: per-cgroup caches become dead, then the group's kmem is unaccounted (3.3 with v2),
     * kept with the group, which its caches' slab pages hold ({@code kmem-pins-memcg}), or moved
     * to its parent ({@code kmem-reparent}).
     */
    // kernel: mm/slab.c memcg_slab_move() + mm/memcontrol.c memcg_kmem_move() (patches 03/13, 07/13)
    @Override
    public void onPreDestroy(MemCgroup memcg) {
        flushCacheCreateQueue();
        MemCgroup heir = config.kmemReparent() && !memcg.parent().isRoot() ? memcg.parent() : null;
        KmemCache[] row = row(memcg);
        if (row != null) {
            memcgCaches[memcg.id()] = null; // the css id may be reused by a new group
            for (KmemCache c : row) {
                if (c == null) {
                    continue;
                }
                c.deadMemcgPath = memcg.path();
                c.memcg = null;
                c.dead = true;
                c.name = c.name + "dead";
                c.deadOwner = heir;
                alloc.reaps.touch(c); // up to date before cache_reap may stop visiting it
                if (--c.refcnt == 0) {
                    cacheReleased(c);
                } else if (config.kmemPinsMemcg()) {
                    c.deadOwner = memcg; // its slab pages hold the group until the last is freed
                    memcg.pinBySlab(1);
                }
            }
        }
        if (config.kmemReparent()) {
            KmemReparent.reparent(memcg, heir, alloc.chain(), config.kmemMemswConsistent());
        } else if (!config.kmemPinsMemcg()) {
            unaccount(memcg);
        }
    }

    /** What 03/13 does: all the group's kmem becomes unaccounted (from res too, unless independent). */
    // kernel: mm/memcontrol.c memcg_kmem_move() (patch 03/13): the uncharge
    private void unaccount(MemCgroup memcg) {
        long kmem = memcg.kmem().usage();
        if (config.kmemRmdirUnchargesParentKmem()) {
            memcg.kmem().uncharge(kmem);
        } else {
            memcg.kmem().unchargeLocked(kmem);
        }
        if (!memcg.independentKmemLimit()) {
            memcg.res().uncharge(kmem);
            if (config.kmemMemswConsistent()) {
                memcg.memsw().uncharge(kmem);
            }
        }
    }

    /** Charges a slab's pages of {@code c} to {@code memcg}, its cache's cgroup or the one a retried charge resolved. */
    // kernel: mm/memcontrol.c memcg_charge_kmem() (patches 02/13, 11/13)
    @Override
    public ChargeResult chargeSlab(KmemCache c, MemCgroup memcg, Task current, long bytes, boolean exact) {
        if (memcg == null) {
            return ChargeResult.OK;
        }
        boolean viaRes = !memcg.independentKmemLimit();
        ChargeResult r = ChargeResult.OK;
        if (viaRes) {
            int cpu = current == null ? 0 : current.cpu();
            int gfp = OomKiller.GFP_KERNEL | (c.reclaimable() ? OomKiller.GFP_RECLAIMABLE : 0);
            r = charger.tryCharge(current, cpu, memcg, bytes / PhysMem.PAGE_SIZE,
                    ChargeMode.batchUnless(exact), gfp);
            if (r == ChargeResult.NOMEM || r == ChargeResult.BLOCKED || r == ChargeResult.KILLED) {
                return r;
            }
            if (r == ChargeResult.BYPASS) {
                memcg.res().chargeNofail(bytes);
                if (config.kmemMemswConsistent()) {
                    memcg.memsw().chargeNofail(bytes);
                }
            }
        }
        ResCounter fail = memcg.kmem().charge(bytes);
        if (fail != null) {
            if (viaRes && config.kmemFailureRollsBackRes()) {
                memcg.res().uncharge(bytes);
                if (r == ChargeResult.OK || config.kmemMemswConsistent()) {
                    memcg.memsw().uncharge(bytes);
                }
            }
            return ChargeResult.NOMEM;
        }
        return ChargeResult.OK;
    }

    @Override
    public void unchargeSlab(KmemCache c, long bytes) {
        unchargeKmem(c.dead ? c.deadOwner : c.memcg, bytes);
    }

    // kernel: mm/memcontrol.c memcg_uncharge_kmem() (patch 02/13)
    @Override
    public void unchargeKmem(MemCgroup memcg, long bytes) {
        if (memcg == null) {
            return;
        }
        memcg.kmem().uncharge(bytes);
        if (!memcg.independentKmemLimit()) {
            memcg.res().uncharge(bytes);
            if (config.kmemMemswConsistent()) {
                memcg.memsw().uncharge(bytes);
            }
            oomWait.recover(memcg);
        }
    }

    /**
     * The group a grow's charge retried after an OOM wait charges. 3.3 resolved it before sleeping
     * (mem_cgroup_charge_slab() holds its css) and retries it even if rmdir has since made the
     * cache dead: {@code atSleep}, which {@code kmem-pins-memcg} uncharges when the page is freed.
     * Under {@code kmem-reparent} the dead cache's pages are the heir's, so the heir is charged.
     */
    // kernel: mm/memcontrol.c __mem_cgroup_try_charge() CHARGE_RETRY on the memcg of mem_cgroup_charge_slab()
    @Override
    public MemCgroup resumeTarget(KmemCache c, MemCgroup atSleep) {
        if (!c.dead) {
            return c.memcg;
        }
        return config.kmemReparent() ? c.deadOwner : atSleep;
    }

    /**
     * Under the v2 code, a charge to a removed group made by a task rmdir woke is unaccounted as
     * rmdir unaccounted the rest: the sleeper's css reference made cgroup_rmdir() wait, and once
     * it is put, rmdir runs pre_destroy again, whose memcg_kmem_move() unaccounts the group's kmem.
     */
    // kernel: kernel/cgroup.c cgroup_rmdir() retrying cgroup_call_pre_destroy(); memcg_kmem_move() (03/13)
    @Override
    public void deadCacheCharged(MemCgroup memcg) {
        if (!config.kmemReparent() && !config.kmemPinsMemcg()) {
            unaccount(memcg);
        }
    }

    // kernel: mm/memcontrol.c mem_cgroup_charge_slab(): css_put() after the charge
    @Override
    public void sleepEnded(MemCgroup memcg) {
        memcg.pinBySlab(-1);
        dying.put(memcg);
    }

    /** The last reference of a dead cache is gone: destroy it from the workqueue. */
    // kernel: mm/slab.c kmem_cache_drop_ref() -> kmem_cache_destroy work (patch 07/13)
    @Override
    public void cacheReleased(KmemCache c) {
        workqueue.scheduleWork(new DestroyCacheWork(c));
        if (c.dead && config.kmemPinsMemcg() && c.deadOwner != null) {
            MemCgroup owner = c.deadOwner;
            c.deadOwner = null; // its last slab page is gone: the cache no longer holds the group
            owner.pinBySlab(-1);
            dying.put(owner);
        }
    }

    /** Destroys a cache; destroying a root cache destroys its per-cgroup children first (10/13). */
    // kernel: mm/slab.c kmem_cache_destroy()
    boolean kmemCacheDestroy(KmemCache c) {
        if (c.destroyed) {
            return true;
        }
        if (c.root == null) {
            flushCacheCreateQueue();
            for (KmemCache child : new ArrayList<>(c.children)) {
                if (!kmemCacheDestroy(child)) {
                    return false; // "can't free all objects": nothing more is destroyed
                }
            }
        }
        if (!alloc.destroy(c)) {
            return false;
        }
        KmemCache[] row = c.memcg == null ? null : row(c.memcg);
        if (row != null && c.id < row.length && row[c.id] == c) {
            row[c.id] = null;
        }
        if (c.root != null) {
            c.root.children.remove(c);
        }
        return true;
    }

    /**
     * Tunables written to /proc/slabinfo for {@code c}: c first, then every cache its
     * memcg_params.sibling_list leads to (10/13), so naming any member retunes the whole family.
     */
    // kernel: mm/slab.c slabinfo_write() as patched by 10/13
    void setTunables(KmemCache c, int limit, int batchcount, int shared) {
        alloc.setTunablesLocked(c, limit, batchcount, shared);
        for (KmemCache sibling : siblingWalk(c)) {
            alloc.setTunablesLocked(sibling, limit, batchcount, shared);
        }
    }

    /**
     * The caches list_for_each_entry() meets on the sibling_list ring from {@code c}, c excluded.
     * The ring is the root cache's list head followed by its children, newest first (each added
     * with list_add()); a walk that starts at a child takes the root's head for one more entry, so
     * from a child it meets the older children, the root, then the newer ones.
     */
    // kernel: include/linux/list.h list_for_each_entry() on memcg_params.sibling_list (10/13)
    static List<KmemCache> siblingWalk(KmemCache c) {
        KmemCache root = c.root == null ? c : c.root;
        List<KmemCache> ring = new ArrayList<>(root.children.size() + 1);
        ring.add(root);
        ring.addAll(root.children);
        int at = ring.indexOf(c);
        List<KmemCache> walk = new ArrayList<>(ring.size() - 1);
        for (int k = 1; k < ring.size(); k++) {
            walk.add(ring.get((at + k) % ring.size()));
        }
        return walk;
    }
}
