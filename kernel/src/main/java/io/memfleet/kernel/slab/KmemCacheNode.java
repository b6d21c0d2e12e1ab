package io.memfleet.kernel.slab;

import io.memfleet.kernel.mm.LruList;

/** struct kmem_list3: the node's full, partial and free slab lists, free object count and shared array. */
final class KmemCacheNode {
    /** Sum of objects in use on a list's slabs. */
    static long inuse(LruList<Slab> l) {
        long n = 0;
        for (Slab s : l) {
            n += s.inuse;
        }
        return n;
    }

    final LruList<Slab> slabsFull = new LruList<>();
    final LruList<Slab> slabsPartial = new LruList<>();
    final LruList<Slab> slabsFree = new LruList<>();
    long freeObjects;
    long freeLimit;
    boolean freeTouched;
    long nextReapJiffies;
    ArrayCache shared;
}
