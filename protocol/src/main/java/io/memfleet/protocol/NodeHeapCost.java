package io.memfleet.protocol;

/**
 * What a simulated node can cost an agent's heap at most, agreed between the agents (which refuse
 * a node they could not hold) and the controller (which refuses an experiment no agent it has heard
 * from could host). The model holds anonymous and file memory as runs (a few words each, whatever
 * their size) and every slab object as an int handle in its owner's list beside a descriptor per
 * slab page, so a node's heap grows with its slab pages: about {@link #HEAP_PER_SLAB_BYTE} bytes of
 * heap per byte of simulated slab at worst (32-byte objects; measured 0.20, with room for the
 * lists' growth), and the model caps slab pages at {@link #MAX_SLAB_BYTES} per node
 * (SlabAllocator.MAX_SLABS order-0 pages).
 */
public final class NodeHeapCost {
    /** Heap bytes per byte of simulated slab memory at worst. */
    public static final double HEAP_PER_SLAB_BYTE = 0.3;
    /** The model's cap on a node's slab pages: 2^18 pages of 4 KiB. */
    public static final long MAX_SLAB_BYTES = 1L << 30;
    /** What a booted node holds before its workload: its kernel's tables and caches. */
    public static final long BASE_BYTES = 4L << 20;

    private NodeHeapCost() {
    }

    /** The most heap a node with {@code memBytes} of memory can take: its slab pages filled with the smallest objects. */
    public static long worstCase(long memBytes) {
        return BASE_BYTES + (long) (Math.min(memBytes, MAX_SLAB_BYTES) * HEAP_PER_SLAB_BYTE);
    }

    /** About what a node holds with {@code slabBytes} of slab pages. */
    public static long estimate(long slabBytes) {
        return BASE_BYTES + (long) (slabBytes * HEAP_PER_SLAB_BYTE);
    }

    /** Bytes as MiB, for messages. */
    public static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
