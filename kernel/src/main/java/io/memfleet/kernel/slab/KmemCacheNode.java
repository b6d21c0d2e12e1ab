package io.memfleet.kernel.slab;

/** struct kmem_list3: the node's full, partial and free slab lists, free object count and shared array. */
final class KmemCacheNode {
    final SlabList slabsFull = new SlabList();
    final SlabList slabsPartial = new SlabList();
    final SlabList slabsFree = new SlabList();
    long freeObjects;
    long freeLimit;
    boolean freeTouched;
    long nextReapJiffies;
    ArrayCache shared;
}
