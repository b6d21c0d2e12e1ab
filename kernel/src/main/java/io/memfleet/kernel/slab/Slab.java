package io.memfleet.kernel.slab;

import io.memfleet.kernel.mm.LruList;

/**
 * struct slab: one slab of 2^gfporder pages holding {@code num} objects, with the kmem_bufctl
 * free list threaded through object indices. Lives on exactly one of its node's three lists.
 */
final class Slab extends LruList.Node {
    static final short BUFCTL_END = -1;

    final int id;
    final KmemCache cache;
    final short[] bufctl;
    int inuse;
    short free;

    // kernel: mm/slab.c cache_init_objs()
    Slab(int id, KmemCache cache) {
        this.id = id;
        this.cache = cache;
        this.bufctl = new short[cache.num];
        for (int i = 0; i < cache.num - 1; i++) {
            bufctl[i] = (short) (i + 1);
        }
        bufctl[cache.num - 1] = BUFCTL_END;
    }

    // kernel: mm/slab.c slab_get_obj()
    int getObj() {
        int idx = free;
        inuse++;
        free = bufctl[idx];
        return idx;
    }

    // kernel: mm/slab.c slab_put_obj()
    void putObj(int idx) {
        bufctl[idx] = free;
        free = (short) idx;
        inuse--;
    }
}
