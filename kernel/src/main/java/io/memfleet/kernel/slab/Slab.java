package io.memfleet.kernel.slab;

import io.memfleet.kernel.mm.LruList;

/**
 * struct slab: one slab of 2^gfporder pages holding {@code num} objects, with the kmem_bufctl
 * free list threaded through object indices. Lives on exactly one of its node's three lists.
 * A full slab has no free list to keep (every entry is written again before it is read), so its
 * array is dropped and made anew at the first free: most slabs of a growing cache are full.
 */
final class Slab extends LruList.Node {
    static final short BUFCTL_END = -1;

    final int id;
    final KmemCache cache;
    /** Null while the slab is full. */
    short[] bufctl;
    int inuse;
    short free;
    /** The handle of this slab's descriptor object in the slabp_cache family, or -1 when it is on the slab. */
    int mgmt = -1;

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

    /** A slab being restored: its free list comes from the checkpoint. */
    Slab(int id, KmemCache cache, int inuse, short free) {
        this.id = id;
        this.cache = cache;
        this.inuse = inuse;
        this.free = free;
        this.bufctl = free == BUFCTL_END ? null : new short[cache.num];
    }

    // kernel: mm/slab.c slab_get_obj()
    int getObj() {
        int idx = free;
        inuse++;
        free = bufctl[idx];
        if (free == BUFCTL_END) {
            bufctl = null;
        }
        return idx;
    }

    // kernel: mm/slab.c slab_put_obj()
    void putObj(int idx) {
        if (bufctl == null) {
            bufctl = new short[cache.num];
        }
        bufctl[idx] = free;
        free = (short) idx;
        inuse--;
    }
}
