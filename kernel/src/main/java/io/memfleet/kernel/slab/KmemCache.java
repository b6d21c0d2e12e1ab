package io.memfleet.kernel.slab;

import io.memfleet.kernel.memcg.MemCgroup;
import java.util.ArrayList;
import java.util.List;

/**
 * struct kmem_cache of SLAB with the memcg_params of the v2 series (07/13, 10/13): geometry,
 * tunables, per-CPU array caches, one node's lists, and for a per-cgroup cache its owner, its
 * root cache, a reference count (one initial plus one per slab) and the dead flag set at rmdir.
 */
public final class KmemCache {
    public static final int SLAB_RECLAIM_ACCOUNT = 0x00020000;
    public static final int SLAB_MEMCG_ACCT = 0x00800000;

    String name;
    final int bufferSize;
    final int num;
    final int gfporder;
    final int flags;
    /** CFLGS_OFF_SLAB: each slab's descriptor is an object of the kmalloc cache of its size (slabp_cache). */
    final boolean offSlab;
    int limit;
    int batchcount;
    int shared;
    /** Root cache id (memcg_params.id), shared by its per-cgroup children. */
    final int id;
    final long chainSeq;

    MemCgroup memcg;
    final KmemCache root;
    final List<KmemCache> children = new ArrayList<>(0);
    boolean dead;
    /** For a dead cache, the path of the cgroup it belonged to (the kernel forgets it; reports want it). */
    String deadMemcgPath;
    /**
     * For a dead cache, the group its slab pages stay charged to and are uncharged from: the dying
     * group under kmem-pins-memcg, the parent it was reparented to under kmem-reparent; null in
     * 3.3 with v2, where rmdir unaccounts them.
     */
    MemCgroup deadOwner;
    boolean destroyed;
    int refcnt;

    final ArrayCache[] array;
    final KmemCacheNode node = new KmemCacheNode();
    long totalSlabs;
    /** The cache's last picture while it stays quiet ({@link ReapSet#stableImage}); null when it may have changed. */
    io.memfleet.kernel.image.CacheImage image;

    KmemCache(String name, int bufferSize, int num, int gfporder, int flags, int id, long chainSeq,
              MemCgroup memcg, KmemCache root, int cpus) {
        this.name = name;
        this.bufferSize = bufferSize;
        this.num = num;
        this.gfporder = gfporder;
        this.flags = flags;
        this.offSlab = SlabGeometry.offSlab(bufferSize, num, gfporder);
        this.id = id;
        this.chainSeq = chainSeq;
        this.memcg = memcg;
        this.root = root;
        this.array = new ArrayCache[cpus];
        this.refcnt = root == null ? 0 : 1;
    }

    public String name() {
        return name;
    }

    public int bufferSize() {
        return bufferSize;
    }

    public int objectsPerSlab() {
        return num;
    }

    public int pagesPerSlab() {
        return 1 << gfporder;
    }

    public int limit() {
        return limit;
    }

    public int batchcount() {
        return batchcount;
    }

    public int sharedFactor() {
        return shared;
    }

    public MemCgroup memcg() {
        return memcg;
    }

    public boolean isDead() {
        return dead;
    }

    public String deadMemcgPath() {
        return deadMemcgPath;
    }

    public boolean isMemcgCache() {
        return root != null;
    }

    public boolean reclaimable() {
        return (flags & SLAB_RECLAIM_ACCOUNT) != 0;
    }

    public long slabs() {
        return totalSlabs;
    }

    /** Objects in use by callers or parked in array caches (what slabinfo calls active). */
    public long activeObjs() {
        return (long) node.slabsFull.size() * num + KmemCacheNode.inuse(node.slabsPartial);
    }

    public long numObjs() {
        return totalSlabs * num;
    }

    public long activeSlabs() {
        return node.slabsFull.size() + node.slabsPartial.size();
    }

    public long sharedAvail() {
        return node.shared == null ? 0 : node.shared.avail;
    }

    /** Free objects parked in the per-CPU and shared arrays. */
    public long arrayAvail() {
        long n = sharedAvail();
        for (ArrayCache ac : array) {
            if (ac != null) {
                n += ac.avail;
            }
        }
        return n;
    }

    ArrayCache cpuCache(int cpu) {
        ArrayCache ac = array[cpu];
        if (ac == null) {
            ac = new ArrayCache(limit, batchcount);
            array[cpu] = ac;
        }
        return ac;
    }

    @Override
    public String toString() {
        return name;
    }
}
