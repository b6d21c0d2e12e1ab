package io.memfleet.protocol;

/**
 * What a simulated node costs an agent's heap, agreed between the agents (which refuse a node they
 * could not hold and shed the heaviest under pressure) and the controller (which refuses an
 * experiment no agent it has heard from could host). The model holds anonymous and file memory as
 * runs (a few words each, whatever their size) but every slab object as an int handle in its owner's
 * list, so a node's heap follows its slab objects: measured with the kernel alone, after
 * collections, 7.4 bytes of heap per object of 32 bytes, 7.6 of 64 and 8.5 of 256 (a handle, the
 * lists' room to grow, a share of its slab's descriptor), counted as {@link #HEAP_PER_OBJECT}; a
 * booted node with a few cgroups and objects holds 22 KiB, and a hosted node with its agent's event
 * log and recent records 46-140 KiB in the agent benchmarks, counted as {@link #BASE_BYTES}. The model caps a node's slab at
 * {@link #MAX_SLAB_BYTES} (SlabAllocator.MAX_SLABS order-0 pages) of at most
 * {@link #MAX_OBJECTS_PER_PAGE} objects each.
 */
public final class NodeHeapCost {
    /** Heap bytes per slab object. */
    public static final long HEAP_PER_OBJECT = 8;
    /** The model's cap on a node's slab pages: 2^18 pages of 4 KiB. */
    public static final long MAX_SLAB_BYTES = 1L << 30;
    /** The most objects a slab page holds (32-byte objects; the handles' index has room for 112). */
    public static final long MAX_OBJECTS_PER_PAGE = 112;
    /** What a hosted node holds besides its slab objects: its kernel's tables, its agent's buffers. */
    public static final long BASE_BYTES = 128L << 10;
    /** What an agent keeps for itself: its Kafka clients' fetch and send buffers, its own tables. */
    public static final long AGENT_RESERVE_BYTES = 128L << 20;

    private NodeHeapCost() {
    }

    /** The most heap a node with {@code memBytes} of memory can take: its slab filled with the smallest objects. */
    public static long worstCase(long memBytes) {
        return estimate(Math.min(memBytes, MAX_SLAB_BYTES) / 4096 * MAX_OBJECTS_PER_PAGE);
    }

    /** About what a node holds with {@code slabObjects} objects in its slab caches (free ones included). */
    public static long estimate(long slabObjects) {
        return BASE_BYTES + slabObjects * HEAP_PER_OBJECT;
    }

    /** The heap an agent's nodes may take together (and one node at most): 3/4 of what its heap leaves them. */
    public static long nodesBudget(long maxHeap) {
        return Math.max(0, maxHeap - AGENT_RESERVE_BYTES) / 4 * 3;
    }

    /** Bytes as MiB, for messages. */
    public static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
