package io.memfleet.kernel.slab;

import io.memfleet.kernel.mm.PhysMem;
import java.util.ArrayList;
import java.util.List;

/**
 * SLAB geometry on x86_64 with 4 KiB pages: the general kmalloc caches size-32 ... size-4194304
 * and dentry, with objects per slab and pages per slab as a real 3.x SLAB /proc/slabinfo shows
 * them (kernel-semantics.md section 4.1), and the tunables enable_cpucache() picks.
 */
public final class SlabGeometry {
    /** One cache's shape. */
    public record Shape(String name, int size, int num, int gfporder, int flags) { }

    public static final int DENTRY_SIZE = 192;
    public static final int KMALLOC_MAX_SIZE = 4194304;
    /** sizeof(struct arraycache_init) on x86_64: a 24-byte array_cache header and one entry. */
    static final int ARRAYCACHE_INIT_SIZE = 32;
    /** sizeof(struct kmem_list3) on x86_64: three list heads, counters, lock, shared, alien, next_reap. */
    static final int KMEM_LIST3_SIZE = 104;

    private SlabGeometry() {
    }

    /**
     * The general caches by size, smallest first (the index {@link #generalIndex} returns). Each is
     * accounted (SLAB_MEMCG_ACCT) except the two kmem_cache_init() creates before its loop, the
     * size classes of struct arraycache_init and struct kmem_list3 (size-32 and size-128): 09/13
     * adds the flag only in the loop, which skips caches that already exist, so
     * mem_cgroup_get_kmem_cache() always returns those two root caches and nothing from them is
     * charged.
     */
    // kernel: mm/slab.c kmem_cache_init() as patched by 09/13
    public static List<Shape> generalCaches() {
        List<Shape> out = new ArrayList<>();
        int[][] small = {{32, 112}, {64, 59}, {128, 30}, {192, 20}, {256, 15}, {512, 8}, {1024, 4},
            {2048, 2}, {4096, 1}};
        int ac = generalIndex(ARRAYCACHE_INIT_SIZE);
        int l3 = generalIndex(KMEM_LIST3_SIZE);
        for (int[] s : small) {
            int index = out.size();
            int flags = index == ac || index == l3 ? 0 : KmemCache.SLAB_MEMCG_ACCT;
            out.add(new Shape("size-" + s[0], s[0], s[1], 0, flags));
        }
        int order = 1;
        for (int size = 8192; size <= KMALLOC_MAX_SIZE; size <<= 1, order++) {
            out.add(new Shape("size-" + size, size, 1, order, KmemCache.SLAB_MEMCG_ACCT));
        }
        return out;
    }

    /**
     * The order kmem_cache_init() creates the general caches in, as indices into
     * {@link #generalCaches}: first the size class of struct arraycache_init (INDEX_AC), then that of
     * struct kmem_list3 (INDEX_L3), which the slab needs for its own bootstrap, then every other by
     * size. With 64-byte cache lines those are size-32 and size-128.
     */
    // kernel: mm/slab.c kmem_cache_init()
    static int[] bootOrder() {
        int n = generalCaches().size();
        int ac = generalIndex(ARRAYCACHE_INIT_SIZE);
        int l3 = generalIndex(KMEM_LIST3_SIZE);
        int[] order = new int[n];
        int k = 0;
        order[k++] = ac;
        if (l3 != ac) {
            order[k++] = l3;
        }
        for (int i = 0; i < n; i++) {
            if (i != ac && i != l3) {
                order[k++] = i;
            }
        }
        return order;
    }

    /** sizeof(struct slab) on x86_64: the slab descriptor before its kmem_bufctl_t array. */
    static final int SLAB_DESCRIPTOR_SIZE = 48;
    /** sizeof(kmem_bufctl_t). */
    static final int BUFCTL_SIZE = 4;
    /** cache_line_size() on x86_64, the alignment of the kmalloc caches (SLAB_HWCACHE_ALIGN). */
    static final int CACHE_LINE_SIZE = 64;

    /**
     * Whether a cache keeps its slab descriptors off the slab: objects of PAGE_SIZE / 8 bytes and
     * more, unless the slab's leftover space holds the aligned descriptor anyway. (3.3 also keeps
     * them on-slab while slab_early_init, which only size-32 and size-128 are created under.)
     */
    // kernel: mm/slab.c kmem_cache_create(): the CFLGS_OFF_SLAB decision
    static boolean offSlab(int size, int num, int gfporder) {
        if (size < PhysMem.PAGE_SIZE / 8) {
            return false;
        }
        long leftOver = (PhysMem.PAGE_SIZE << gfporder) - (long) num * size;
        long onSlab = (descriptorBytes(num) + CACHE_LINE_SIZE - 1) / CACHE_LINE_SIZE * CACHE_LINE_SIZE;
        return leftOver < onSlab;
    }

    /** The size of an off-slab descriptor (struct slab and one kmem_bufctl_t per object), unaligned. */
    // kernel: mm/slab.c kmem_cache_create(): slab_size of an off-slab cache
    static int descriptorBytes(int num) {
        return SLAB_DESCRIPTOR_SIZE + num * BUFCTL_SIZE;
    }

    /** The dentry cache: accounted by patch 08/13, reclaimable. */
    public static Shape dentry() {
        return new Shape("dentry", DENTRY_SIZE, 20, 0, KmemCache.SLAB_RECLAIM_ACCOUNT | KmemCache.SLAB_MEMCG_ACCT);
    }

    /** The smallest general cache index that fits {@code size}, or -1 when too large. */
    // kernel: mm/slab.c __find_general_cachep()
    public static int generalIndex(long size) {
        if (size <= 0 || size > KMALLOC_MAX_SIZE) {
            return -1;
        }
        if (size <= 32) {
            return 0;
        }
        if (size <= 64) {
            return 1;
        }
        if (size <= 128) {
            return 2;
        }
        if (size <= 192) {
            return 3;
        }
        int idx = 4;
        for (long s = 256; s < size; s <<= 1) {
            idx++;
        }
        return idx;
    }

    /** limit of the per-CPU array for a buffer size. */
    // kernel: mm/slab.c enable_cpucache()
    static int limitFor(int bufferSize) {
        if (bufferSize > 131072) {
            return 1;
        }
        if (bufferSize > 4096) {
            return 8;
        }
        if (bufferSize > 1024) {
            return 24;
        }
        if (bufferSize > 256) {
            return 54;
        }
        return 120;
    }
}
