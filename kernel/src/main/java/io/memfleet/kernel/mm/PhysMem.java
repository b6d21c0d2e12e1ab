package io.memfleet.kernel.mm;

/** The node's physical memory and swap, in pages. Charges to cgroups are kept elsewhere. */
public final class PhysMem {
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /**
     * Pages reclaim may write to swap during one command (4 GiB), a budget of the simulator: past
     * it, reclaim finds no swap room until the next command, so a stream of anonymous or shared
     * memory into a large swap area ends (ENOMEM or an OOM kill) instead of writing out page after
     * page. Free swap as the node reports it is unchanged.
     */
    public static final long MAX_SWAP_WRITES_PER_COMMAND = 1L << 20;
    /** How many vm events {@link #vmEvents()} returns. */
    public static final int VM_EVENTS = 6;
    /** Their places in {@link #vmEvents()}: the one order setVmEvents, counters() and restoreCounters use. */
    private static final int PGPGIN_KB = 0;
    private static final int PGPGOUT_KB = 1;
    private static final int PSWPIN = 2;
    private static final int PSWPOUT = 3;
    private static final int PGFAULT = 4;
    private static final int PGMAJFAULT = 5;

    private final long totalPages;
    /** The swap area the node was given, and what is enabled now (0 after swapoff). */
    private final long configuredSwapPages;
    private long swapPages;
    /** False while a swapoff is under way: reclaim may not write to the area (SWP_WRITEOK cleared). */
    private boolean swapWritable = true;
    private long freePages;
    private long swapUsed;
    /** Swap writes left to the command being applied (see {@link #MAX_SWAP_WRITES_PER_COMMAND}). */
    private long swapWritesLeft = MAX_SWAP_WRITES_PER_COMMAND;
    private long anonPages;
    private long lockedPages;
    private long cachePages;
    private long slabReclaimablePages;
    private long slabUnreclaimablePages;
    /** NR_FILE_MAPPED: page-cache and shmem pages mapped into some task. */
    private long mappedPages;
    /** NR_SHMEM: shared memory pages (counted in cachePages too, as NR_FILE_PAGES counts them). */
    private long shmemPages;
    /** The node's vm events (include/linux/vm_event_item.h): page faults, pages read and written, swaps. */
    private final long[] vm = new long[VM_EVENTS];

    public PhysMem(long totalPages, long swapPages) {
        this.totalPages = totalPages;
        this.configuredSwapPages = swapPages;
        this.swapPages = swapPages;
        this.freePages = totalPages;
    }

    public long totalPages() {
        return totalPages;
    }

    public long freePages() {
        return freePages;
    }

    public long swapPages() {
        return swapPages;
    }

    /** Swap pages reclaim may write to now (none while a swapoff runs or after it). */
    public long swapFree() {
        return swapWritable ? swapPages - swapUsed : 0;
    }

    /** Swap pages reclaim may write to now: free swap, within what this command may still write. */
    public long swapRoom() {
        return Math.min(swapFree(), swapWritesLeft);
    }

    /** A command starts: its swap writes are counted afresh. */
    public void startCommand() {
        swapWritesLeft = MAX_SWAP_WRITES_PER_COMMAND;
    }

    /** True while a swap area is enabled. */
    public boolean swapOn() {
        return swapPages > 0;
    }

    public long configuredSwapPages() {
        return configuredSwapPages;
    }

    /** A swapoff starts (true: it failed, writes allowed again) or is over. */
    public void setSwapWritable(boolean writable) {
        swapWritable = writable;
    }

    /** swapoff done: the area is gone; swapon: it is back, empty. */
    public void setSwapPages(long pages) {
        swapPages = pages;
        swapWritable = true;
    }

    /** A swapped-out page read back in (swapoff): PSWPIN and the read's PGPGIN. */
    // kernel: mm/page_io.c swap_readpage(), block/blk-core.c submit_bio()
    public void swapIn(long pages) {
        vm[PSWPIN] += pages;
        vm[PGPGIN_KB] += pages * (PAGE_SIZE >> 10);
        swapUsed -= pages;
        freePages -= pages;
        anonPages += pages;
    }

    public long swapUsed() {
        return swapUsed;
    }

    public long anonPages() {
        return anonPages;
    }

    public long lockedPages() {
        return lockedPages;
    }

    public long cachePages() {
        return cachePages;
    }

    public long slabReclaimablePages() {
        return slabReclaimablePages;
    }

    public long slabUnreclaimablePages() {
        return slabUnreclaimablePages;
    }

    /** The changing counters, for a checkpoint: free, swap used, anon, locked, cache, slab (reclaimable, not). */
    public long[] counters() {
        return new long[] {freePages, swapUsed, anonPages, lockedPages, cachePages, slabReclaimablePages,
            slabUnreclaimablePages, vm[PGFAULT], vm[PGPGIN_KB], vm[PGPGOUT_KB], vm[PSWPIN], vm[PSWPOUT], swapPages,
            swapWritable ? 1 : 0, mappedPages, shmemPages, vm[PGMAJFAULT]};
    }

    /** Page faults of anonymous memory (count_vm_event(PGFAULT) in the fault path). */
    // kernel: arch/x86/mm/fault.c do_page_fault()
    public void countFaults(long n) {
        vm[PGFAULT] += n;
    }

    /** File pages read from disk into the page cache: PGPGIN, in kB as /proc/vmstat shows it. */
    // kernel: block/blk-core.c submit_bio() (READ), mm/vmstat.c vmstat_start() sectors to kB
    public void countPagesIn(long pages) {
        vm[PGPGIN_KB] += pages * (PAGE_SIZE >> 10);
    }

    /** The vm events /proc/vmstat prints: pgpgin, pgpgout (kB), pswpin, pswpout, pgfault, pgmajfault. */
    public long[] vmEvents() {
        return vm.clone();
    }

    /** Sets what {@link #vmEvents()} returns. */
    public void setVmEvents(long[] e) {
        if (e.length != VM_EVENTS) {
            throw new IllegalArgumentException("expected " + VM_EVENTS + " vm events, got " + e.length);
        }
        System.arraycopy(e, 0, vm, 0, VM_EVENTS);
    }

    /** Restores what {@link #counters()} returned. */
    public void restoreCounters(long[] c) {
        if (c.length != 17) {
            throw new IllegalArgumentException("expected 17 counters, got " + c.length);
        }
        freePages = c[0];
        swapUsed = c[1];
        anonPages = c[2];
        lockedPages = c[3];
        cachePages = c[4];
        slabReclaimablePages = c[5];
        slabUnreclaimablePages = c[6];
        vm[PGFAULT] = c[7];
        vm[PGPGIN_KB] = c[8];
        vm[PGPGOUT_KB] = c[9];
        vm[PSWPIN] = c[10];
        vm[PSWPOUT] = c[11];
        swapPages = c[12];
        swapWritable = c[13] != 0;
        mappedPages = c[14];
        shmemPages = c[15];
        vm[PGMAJFAULT] = c[16];
    }

    public long mappedPages() {
        return mappedPages;
    }

    public long shmemPages() {
        return shmemPages;
    }

    /** Pages mapped into (positive) or unmapped from (negative) a task: NR_FILE_MAPPED. */
    // kernel: mm/rmap.c page_add_file_rmap() / page_remove_rmap()
    public void countMapped(long delta) {
        mappedPages += delta;
    }

    /** Faults that had to read their page (a mapped file page not yet in the page cache). */
    // kernel: mm/memory.c do_page_fault() VM_FAULT_MAJOR: count_vm_event(PGMAJFAULT)
    public void countMajorFaults(long n) {
        vm[PGMAJFAULT] += n;
    }

    public void allocShmem(long pages) {
        allocCache(pages);
        shmemPages += pages;
    }

    public void freeShmem(long pages) {
        freeCache(pages);
        shmemPages -= pages;
    }

    /** Writes resident shmem pages to swap. */
    // kernel: mm/shmem.c shmem_writepage() -> swap_writepage()
    public void shmemSwapOut(long pages) {
        swapWritesLeft -= pages;
        vm[PSWPOUT] += pages;
        vm[PGPGOUT_KB] += pages * (PAGE_SIZE >> 10);
        swapUsed += pages;
        freeShmem(pages);
    }

    /** Reads swapped shmem pages back (swapoff's shmem_unuse()). */
    public void shmemSwapIn(long pages) {
        take(pages);
        cachePages += pages;
        shmemPages += pages;
        swapUsed -= pages;
        vm[PSWPIN] += pages;
        vm[PGPGIN_KB] += pages * (PAGE_SIZE >> 10);
    }

    private void take(long pages) {
        if (pages > freePages) {
            throw new IllegalStateException("allocating " + pages + " pages with " + freePages + " free");
        }
        freePages -= pages;
    }

    public void allocAnon(long pages, boolean locked) {
        take(pages);
        anonPages += pages;
        if (locked) {
            lockedPages += pages;
        }
    }

    public void freeAnon(long pages, boolean locked) {
        freePages += pages;
        anonPages -= pages;
        if (locked) {
            lockedPages -= pages;
        }
    }

    public void allocCache(long pages) {
        take(pages);
        cachePages += pages;
    }

    public void freeCache(long pages) {
        freePages += pages;
        cachePages -= pages;
    }

    public void allocSlab(long pages, boolean reclaimable) {
        take(pages);
        if (reclaimable) {
            slabReclaimablePages += pages;
        } else {
            slabUnreclaimablePages += pages;
        }
    }

    public void freeSlab(long pages, boolean reclaimable) {
        freePages += pages;
        if (reclaimable) {
            slabReclaimablePages -= pages;
        } else {
            slabUnreclaimablePages -= pages;
        }
    }

    /** Moves resident anonymous pages out to swap. */
    // kernel: mm/page_io.c swap_writepage() (PSWPOUT, and the write's PGPGOUT)
    public void swapOut(long pages) {
        swapWritesLeft -= pages;
        vm[PSWPOUT] += pages;
        vm[PGPGOUT_KB] += pages * (PAGE_SIZE >> 10);
        swapUsed += pages;
        freePages += pages;
        anonPages -= pages;
    }

    public void freeSwap(long pages) {
        swapUsed -= pages;
    }
}
