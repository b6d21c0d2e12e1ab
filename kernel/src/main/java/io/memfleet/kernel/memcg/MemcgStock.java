package io.memfleet.kernel.memcg;

import io.memfleet.kernel.mm.PhysMem;

/**
 * The per-CPU charge stock (struct memcg_stock_pcp): each CPU caches pre-charged pages of one
 * non-root cgroup, so that most charges never touch the res_counters.
 */
public final class MemcgStock {
    final MemCgroup[] cached;
    final long[] nrPages;

    public MemcgStock(int cpus) {
        cached = new MemCgroup[cpus];
        nrPages = new long[cpus];
    }

    public MemCgroup cached(int cpu) {
        return cached[cpu];
    }

    public long nrPages(int cpu) {
        return nrPages[cpu];
    }

    /** Consumes {@code pages} of {@code memcg}'s stock on {@code cpu} (patch 04/13: any number of pages). */
    // kernel: mm/memcontrol.c consume_stock()
    public boolean consumeStock(int cpu, MemCgroup memcg, long pages) {
        if (cached[cpu] == memcg && nrPages[cpu] >= pages) {
            nrPages[cpu] -= pages;
            return true;
        }
        return false;
    }

    /**
     * Takes up to {@code wanted} single pages from the stock, as that many successive one-page
     * consume_stock() hits would; returns how many were taken.
     */
    public long consumeUpTo(int cpu, MemCgroup memcg, long wanted) {
        if (cached[cpu] != memcg) {
            return 0;
        }
        long n = Math.min(wanted, nrPages[cpu]);
        nrPages[cpu] -= n;
        return n;
    }

    // kernel: mm/memcontrol.c drain_stock()
    public void drainStock(int cpu) {
        MemCgroup old = cached[cpu];
        if (old != null && nrPages[cpu] > 0) {
            long bytes = nrPages[cpu] * PhysMem.PAGE_SIZE;
            old.res.uncharge(bytes);
            old.memsw.uncharge(bytes);
        }
        nrPages[cpu] = 0;
        cached[cpu] = null;
    }

    // kernel: mm/memcontrol.c refill_stock()
    public void refillStock(int cpu, MemCgroup memcg, long pages) {
        if (cached[cpu] != memcg) {
            drainStock(cpu);
            cached[cpu] = memcg;
        }
        nrPages[cpu] += pages;
    }

    /** Drains every CPU whose stock belongs to {@code root} or, under use_hierarchy, below it. */
    // kernel: mm/memcontrol.c drain_all_stock()
    public void drainAllStock(MemCgroup root) {
        for (int cpu = 0; cpu < cached.length; cpu++) {
            MemCgroup m = cached[cpu];
            if (m != null && root.sameOrSubtree(m)) {
                drainStock(cpu);
            }
        }
    }

    /** Pages stocked for {@code memcg} over all CPUs. */
    public long stockedPages(MemCgroup memcg) {
        long n = 0;
        for (int cpu = 0; cpu < cached.length; cpu++) {
            if (cached[cpu] == memcg) {
                n += nrPages[cpu];
            }
        }
        return n;
    }
}
