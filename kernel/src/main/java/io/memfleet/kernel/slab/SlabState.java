package io.memfleet.kernel.slab;

import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.memcg.TaskTable;
import io.memfleet.kernel.mm.LruList;
import io.memfleet.kernel.sim.ActionCodec;
import io.memfleet.kernel.sim.StateReader;
import io.memfleet.kernel.sim.StateWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The slab layer's part of a kernel checkpoint: the cache chain (root caches, per-cgroup and dead
 * caches) with tunables, per-CPU and shared arrays, the three slab lists of each cache with every
 * slab's free list, pending cache creations, the objects tasks, interrupt context and the
 * dcache hold, and the caches and the group of each sleeping task's cache_grow. A slab names its off-slab
 * descriptor's handle. Caches are named by their chain sequence number, slabs by id.
 */
public final class SlabState {
    private static final long MARK = 0x736c6162L; // "slab"
    /** A restored work item that would destroy a cache already gone: it does nothing. */
    private static final Runnable GONE = () -> { };

    private SlabState() {
    }

    public static void save(SlabLayer layer, TaskTable tasks, StateWriter w) {
        layer.alloc.reaps.bringAllUpToDate(layer.alloc.chain);
        SlabAllocator a = layer.alloc;
        w.u(MARK);
        w.u(a.nextSlabId);
        w.u(a.chainSeq);
        w.u(a.objectsAllocated);
        w.u(a.objectsFreed);
        w.u(a.freeSlabIds.size());
        for (int id : a.freeSlabIds) {
            w.u(id);
        }
        w.u(a.chain.size());
        for (KmemCache c : a.chain) {
            if (c.root == null) {
                saveCache(c, w); // root caches first: per-cgroup caches name theirs
            }
        }
        for (KmemCache c : a.chain) {
            if (c.root != null) {
                saveCache(c, w);
            }
        }
        for (KmemCache c : a.chain) {
            w.u(c.chainSeq);
        }
        for (KmemCache c : a.chain) {
            if (c.root == null) {
                w.u(c.children.size());
                for (KmemCache child : c.children) {
                    w.u(child.chainSeq);
                }
            }
        }
        List<MemcgKmem.CreateRequest> queue = layer.memcgKmem.createQueue;
        w.u(queue.size());
        for (MemcgKmem.CreateRequest q : queue) {
            w.u(q.memcg().id());
            w.u(q.cache().chainSeq);
            w.u(q.requestObj());
        }
        layer.irqObjects.save(w);
        for (Task t : tasks.all()) {
            TaskObjects o = layer.taskObjects.get(t);
            w.bool(o != null);
            if (o != null) {
                o.save(w);
            }
        }
        layer.unusedDentries.save(w);
        for (Task t : tasks.all()) {
            SlabGrow.Sleep z = a.grow.sleeping.get(t);
            w.s(z == null ? -1 : z.cache().chainSeq);
            if (z != null) {
                w.s(z.heldFor() == null ? -1 : z.heldFor().chainSeq);
                w.u(z.memcg().id());
            }
        }
    }

    private static void saveCache(KmemCache c, StateWriter w) {
        w.u(c.chainSeq);
        w.str(c.name);
        w.u(c.bufferSize);
        w.u(c.num);
        w.u(c.gfporder);
        w.u(c.flags);
        w.u(c.id);
        w.s(c.root == null ? -1 : c.root.chainSeq);
        w.u(c.memcg == null ? 0 : c.memcg.id());
        w.bool(c.dead);
        w.str(c.deadMemcgPath);
        w.u(c.deadOwner == null ? 0 : c.deadOwner.id());
        w.s(c.refcnt);
        w.u(c.limit);
        w.u(c.batchcount);
        w.u(c.shared);
        w.u(c.totalSlabs);
        for (ArrayCache ac : c.array) {
            saveArray(ac, w);
        }
        KmemCacheNode n = c.node;
        w.u(n.freeObjects);
        w.u(n.freeLimit);
        w.bool(n.freeTouched);
        w.s(n.nextReapJiffies);
        saveArray(n.shared, w);
        for (LruList<Slab> list : List.of(n.slabsFull, n.slabsPartial, n.slabsFree)) {
            w.u(list.size());
            for (Slab s : list) {
                w.u(s.id);
                w.u(s.inuse);
                w.s(s.free);
                w.s(s.mgmt);
                if (s.bufctl != null) {
                    for (short b : s.bufctl) {
                        w.s(b);
                    }
                }
            }
        }
    }

    private static void saveArray(ArrayCache ac, StateWriter w) {
        w.bool(ac != null);
        if (ac == null) {
            return;
        }
        w.u(ac.limit);
        w.u(ac.batchcount);
        w.bool(ac.touched);
        w.bool(ac.entry != null);
        w.u(ac.avail);
        for (int i = 0; i < ac.avail; i++) {
            w.u(ac.entry[i]);
        }
    }

    /** Rebuilds the slab layer of a freshly booted kernel whose memory controller is already restored. */
    public static void restore(SlabLayer layer, MemController mc, TaskTable tasks, StateReader r) {
        SlabAllocator a = layer.alloc;
        r.expect(MARK, "slab");
        Map<Long, KmemCache> booted = new HashMap<>();
        for (KmemCache c : a.chain) {
            booted.put(c.chainSeq, c);
        }
        a.nextSlabId = r.i();
        a.chainSeq = r.u();
        a.objectsAllocated = r.u();
        a.objectsFreed = r.u();
        a.freeSlabIds.clear();
        int free = r.i();
        for (int k = 0; k < free; k++) {
            a.freeSlabIds.add(r.i());
        }
        a.slabs = new Slab[Math.max(64, a.nextSlabId)];
        Map<Long, KmemCache> bySeq = new HashMap<>();
        a.chain.clear();
        int caches = r.i();
        for (int k = 0; k < caches; k++) {
            KmemCache c = restoreCache(a, mc, booted, bySeq, r);
            bySeq.put(c.chainSeq, c);
        }
        for (int k = 0; k < caches; k++) {
            a.chain.add(cache(bySeq, r.u()));
        }
        for (KmemCache c : booted.values()) {
            if (!bySeq.containsKey(c.chainSeq)) {
                c.destroyed = true; // a root cache destroyed before the checkpoint
            }
        }
        for (KmemCache c : a.chain) {
            if (c.root == null) {
                c.children.clear();
                int n = r.i();
                for (int k = 0; k < n; k++) {
                    c.children.add(cache(bySeq, r.u()));
                }
            }
        }
        for (KmemCache c : a.chain) {
            if (c.root != null && c.memcg != null) {
                layer.memcgKmem.createRow(c.memcg, c.id)[c.id] = c;
            }
        }
        layer.memcgKmem.createQueue.clear();
        int queued = r.i();
        for (int k = 0; k < queued; k++) {
            MemCgroup g = memcg(mc, r.i());
            layer.memcgKmem.createQueue.add(new MemcgKmem.CreateRequest(g, cache(bySeq, r.u()), r.u()));
        }
        layer.irqObjects.restore(r);
        layer.taskObjects.clear();
        for (Task t : tasks.all()) {
            if (r.bool()) {
                TaskObjects o = new TaskObjects();
                o.restore(r);
                layer.taskObjects.put(t, o);
            }
        }
        layer.unusedDentries.restore(r);
        a.grow.sleeping.clear();
        for (Task t : tasks.all()) {
            long seq = r.s();
            if (seq >= 0) {
                long held = r.s();
                MemCgroup memcg = memcg(mc, r.i());
                a.grow.sleeping.put(t, new SlabGrow.Sleep(cache(bySeq, seq), held < 0 ? null : cache(bySeq, held), memcg));
            }
        }
        a.reaps.restored(a.chain);
    }

    private static KmemCache restoreCache(SlabAllocator a, MemController mc, Map<Long, KmemCache> booted,
                                          Map<Long, KmemCache> bySeq, StateReader r) {
        long seq = r.u();
        String name = r.str();
        int size = r.i();
        int num = r.i();
        int order = r.i();
        int flags = r.i();
        int id = r.i();
        long rootSeq = r.s();
        int memcgId = r.i();
        KmemCache root = rootSeq < 0 ? null : cache(bySeq, rootSeq);
        MemCgroup owner = memcgId == 0 ? null : memcg(mc, memcgId);
        KmemCache c = root == null ? booted.get(seq) : null;
        if (c == null) {
            c = new KmemCache(name, size, num, order, flags, id, seq, owner, root, a.cpus());
        }
        c.name = name;
        c.memcg = owner;
        c.dead = r.bool();
        c.deadMemcgPath = r.str();
        int ownerId = r.i();
        c.deadOwner = ownerId == 0 ? null : memcg(mc, ownerId);
        c.refcnt = (int) r.s();
        c.limit = r.i();
        c.batchcount = r.i();
        c.shared = r.i();
        c.totalSlabs = r.u();
        for (int cpu = 0; cpu < c.array.length; cpu++) {
            c.array[cpu] = restoreArray(r);
        }
        KmemCacheNode n = c.node;
        n.freeObjects = r.u();
        n.freeLimit = r.u();
        n.freeTouched = r.bool();
        n.nextReapJiffies = r.s();
        n.shared = restoreArray(r);
        for (LruList<Slab> list : List.of(n.slabsFull, n.slabsPartial, n.slabsFree)) {
            list.clear();
            int slabs = r.i();
            for (int k = 0; k < slabs; k++) {
                int slabId = r.i();
                int inuse = r.i();
                Slab s = new Slab(slabId, c, inuse, (short) r.s());
                s.mgmt = (int) r.s();
                if (s.bufctl != null) {
                    for (int b = 0; b < s.bufctl.length; b++) {
                        s.bufctl[b] = (short) r.s();
                    }
                }
                if (s.id >= a.slabs.length) {
                    a.slabs = java.util.Arrays.copyOf(a.slabs, Math.max(s.id + 1, a.slabs.length * 2));
                }
                a.slabs[s.id] = s;
                list.add(s);
            }
        }
        return c;
    }

    private static ArrayCache restoreArray(StateReader r) {
        if (!r.bool()) {
            return null;
        }
        ArrayCache ac = new ArrayCache(r.i(), r.i());
        ac.touched = r.bool();
        boolean allocated = r.bool();
        int avail = r.i();
        if (allocated) {
            ac.ensureCapacity(avail);
            for (int i = 0; i < avail; i++) {
                ac.entry[i] = (int) r.u();
            }
        } else if (avail > 0) {
            throw new StateReader.CorruptStateException("free objects in an array that was never allocated");
        }
        ac.avail = avail;
        return ac;
    }

    private static KmemCache cache(Map<Long, KmemCache> bySeq, long seq) {
        KmemCache c = bySeq.get(seq);
        if (c == null) {
            throw new StateReader.CorruptStateException("no slab cache with chain sequence " + seq);
        }
        return c;
    }

    private static MemCgroup memcg(MemController mc, int id) {
        for (MemCgroup g : mc.allWithDying()) {
            if (g.id() == id) {
                return g;
            }
        }
        throw new StateReader.CorruptStateException("no cgroup with css id " + id);
    }

    /** Names the slab layer's timers (the per-CPU reap) in a checkpoint. */
    public static ActionCodec timers(SlabLayer layer) {
        return new ActionCodec() {
            @Override
            public long encode(Runnable action) {
                if (action instanceof SlabLayer.CacheReap reap) {
                    return reap.cpu;
                }
                throw new IllegalStateException("unknown timer " + action);
            }

            @Override
            public Runnable decode(long code) {
                if (code < 0 || code >= layer.cpus()) {
                    throw new StateReader.CorruptStateException("no reap timer for cpu " + code);
                }
                return layer.new CacheReap((int) code);
            }
        };
    }

    /** Names queued work (cache creation, dead-cache destruction) in a checkpoint. */
    public static ActionCodec work(SlabLayer layer) {
        MemcgKmem k = layer.memcgKmem;
        return new ActionCodec() {
            @Override
            public long encode(Runnable action) {
                if (action == k.createWork) {
                    return 0;
                }
                if (action == GONE) {
                    return -1;
                }
                if (action instanceof MemcgKmem.DestroyCacheWork d) {
                    return d.cache.destroyed ? -1 : 1 + d.cache.chainSeq;
                }
                throw new IllegalStateException("unknown work item " + action);
            }

            @Override
            public Runnable decode(long code) {
                if (code == 0) {
                    return k.createWork;
                }
                if (code == -1) {
                    return GONE;
                }
                for (KmemCache c : layer.alloc.chain) {
                    if (c.chainSeq == code - 1) {
                        return k.new DestroyCacheWork(c);
                    }
                }
                throw new StateReader.CorruptStateException("no slab cache with chain sequence " + (code - 1));
            }
        };
    }
}
