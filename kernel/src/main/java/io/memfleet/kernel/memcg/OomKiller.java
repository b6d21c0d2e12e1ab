package io.memfleet.kernel.memcg;

import io.memfleet.kernel.mm.Klog;
import io.memfleet.kernel.mm.PhysMem;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The OOM killer of 3.3 (mm/oom_kill.c) for memcg and global OOM: badness scoring, victim
 * selection in task-list order, the report written to the kernel log, and the kill. The victim is
 * reaped at once (its memory is freed before the charge that triggered the kill is retried).
 */
public final class OomKiller {
    /** The page allocation of a page-cache read (the global OOM report prints it). */
    public static final int GFP_HIGHUSER_MOVABLE = 0x200da;
    /** __GFP_ZERO: an anonymous fault asks for a zeroed page (alloc_zeroed_user_highpage_movable), 0x280da in all. */
    public static final int GFP_ZERO = 0x8000;
    /** The memcg charge of user pages (mem_cgroup_newpage_charge/cache_charge) and of kmalloc slabs. */
    public static final int GFP_KERNEL = 0xd0;
    /** __GFP_RECLAIMABLE, added to slab allocations of SLAB_RECLAIM_ACCOUNT caches (dentry). */
    public static final int GFP_RECLAIMABLE = 0x80000;

    public static final int OOM_SCORE_ADJ_MIN = -1000;
    public static final int OOM_SCORE_ADJ_MAX = 1000;

    private final Klog klog;
    private final PhysMem mem;
    private final Supplier<Iterable<Task>> tasks;
    private final Consumer<Task> reaper;
    /** Told of each kill: victim, the memcg whose limit was hit (null: global OOM), badness. */
    public interface KillListener {
        void killed(Task victim, MemCgroup memcg, long points);
    }

    private KillListener listener = (v, m, p) -> { };

    public void setKillListener(KillListener l) {
        this.listener = l;
    }

    OomKiller(Klog klog, PhysMem mem, Supplier<Iterable<Task>> tasks, Consumer<Task> reaper) {
        this.klog = klog;
        this.mem = mem;
        this.tasks = tasks;
        this.reaper = reaper;
    }

    // kernel: mm/oom_kill.c oom_badness()
    static long oomBadness(Task p, long totalPages) {
        if (p.exited() || p.oomScoreAdj() == OOM_SCORE_ADJ_MIN) {
            return 0;
        }
        long total = Math.max(totalPages, 1);
        long rss = p.rssPages() + p.fileRssPages(); // get_mm_rss(): MM_ANONPAGES + MM_FILEPAGES
        long ptes = (p.totalVmPages() + 511) / 512;
        long points = (rss + ptes + p.swapEntries()) * 1000 / total + p.oomScoreAdj(); // tasks are not root: no -30
        return points <= 0 ? 1 : Math.min(points, 1000);
    }

    /** What /proc/PID/oom_score prints: the badness against all RAM and swap, no memcg. */
    // kernel: fs/proc/base.c proc_oom_score()
    public long procOomScore(Task p) {
        return oomBadness(p, mem.totalPages() + mem.swapPages());
    }

    // kernel: mm/memcontrol.c mem_cgroup_get_limit()
    long memcgLimitPages(MemCgroup memcg) {
        long limit = memcg.res.limit();
        if (memcg.swappiness() > 0) {
            long withSwap = limit + mem.swapPages() * PhysMem.PAGE_SIZE;
            limit = withSwap < 0 ? Long.MAX_VALUE : Math.min(withSwap, memcg.memsw.limit());
        }
        return Long.divideUnsigned(limit, PhysMem.PAGE_SIZE);
    }

    /** Memcg OOM: selects and kills a task in {@code memcg}'s subtree; returns the victim or null. */
    // kernel: mm/oom_kill.c mem_cgroup_out_of_memory()
    Task memcgOutOfMemory(Task current, MemCgroup memcg, int gfpMask) {
        long limit = memcgLimitPages(memcg);
        Task victim = selectBadProcess(memcg, limit);
        if (victim == null) {
            return null;
        }
        long points = oomBadness(victim, limit);
        dumpHeader(current, victim, memcg, gfpMask);
        return oomKillProcess(victim, points, "Memory cgroup out of memory", memcg, limit);
    }

    /** Global OOM: the node has no free pages left after reclaim. Returns the victim or null. */
    // kernel: mm/oom_kill.c out_of_memory()
    public Task outOfMemory(Task current, int gfpMask) {
        long total = mem.totalPages() + mem.swapPages();
        Task victim = selectBadProcess(null, total);
        if (victim == null) {
            return null;
        }
        long points = oomBadness(victim, total);
        dumpHeader(current, victim, null, gfpMask);
        return oomKillProcess(victim, points, "Out of memory", null, total);
    }

    // kernel: mm/oom_kill.c select_bad_process()
    private Task selectBadProcess(MemCgroup memcg, long totalPages) {
        Task chosen = null;
        long best = 0;
        for (Task p : tasks.get()) {
            if (p.exited() || (memcg != null && !memcg.sameOrSubtree(p.memcg()))) {
                continue;
            }
            long points = oomBadness(p, totalPages);
            if (points > best) {
                chosen = p;
                best = points;
            }
        }
        return chosen;
    }

    // kernel: mm/oom_kill.c dump_header()
    private void dumpHeader(Task current, Task victim, MemCgroup memcg, int gfpMask) {
        String comm = current == null ? "kworker/0:1" : current.comm();
        klog.printk(comm + " invoked oom-killer: gfp_mask=0x" + Integer.toHexString(gfpMask)
                + ", order=0, oom_adj=" + (current == null ? 0 : current.oomAdj()) + ", oom_score_adj="
                + (current == null ? 0 : current.oomScoreAdj()));
        if (memcg != null) {
            printOomInfo(memcg, victim);
        }
        showMem();
        dumpTasks(memcg);
    }

    // kernel: mm/memcontrol.c mem_cgroup_print_oom_info() (with the kmem line of patch 02/13)
    private void printOomInfo(MemCgroup memcg, Task victim) {
        klog.printk("Task in " + victim.memcg().path() + " killed as a result of limit of " + memcg.path());
        klog.printk("memory: usage " + kb(memcg.res.usage()) + "kB, limit " + kb(memcg.res.limit())
                + "kB, failcnt " + memcg.res.failcnt());
        klog.printk("memory+swap: usage " + kb(memcg.memsw.usage()) + "kB, limit " + kb(memcg.memsw.limit())
                + "kB, failcnt " + memcg.memsw.failcnt());
        klog.printk("kmem: usage " + kb(memcg.kmem.usage()) + "kB, limit " + kb(memcg.kmem.limit())
                + "kB, failcnt " + memcg.kmem.failcnt());
    }

    /** show_mem() for memcg and global OOM alike, in 3.3: the lines the model has (no zones, no per-CPU lists). */
    // kernel: lib/show_mem.c show_mem(), mm/swap_state.c show_swap_cache_info() (its last two lines)
    private void showMem() {
        klog.printk("Mem-Info:");
        klog.printk("Free swap  = " + (mem.swapFree() * PhysMem.PAGE_SIZE >> 10) + "kB");
        klog.printk("Total swap = " + (mem.swapPages() * PhysMem.PAGE_SIZE >> 10) + "kB");
        klog.printk(mem.totalPages() + " pages RAM");
    }

    private static String kb(long bytes) {
        return Long.toUnsignedString(bytes >>> 10);
    }

    // kernel: mm/oom_kill.c dump_tasks()
    private void dumpTasks(MemCgroup memcg) {
        klog.printk("[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name");
        for (Task p : tasks.get()) {
            if (p.exited() || (memcg != null && !memcg.sameOrSubtree(p.memcg()))) {
                continue;
            }
            klog.printk(String.format("[%5d] %5d %5d %8d %8d %3d     %3d         %5d %s",
                    p.pid(), 0, p.pid(), p.totalVmPages(), p.rssPages() + p.fileRssPages(), p.cpu(), p.oomAdj(), p.oomScoreAdj(), p.comm()));
        }
    }

    /**
     * Kills the chosen task or, if one of its children is eligible, the child with the highest
     * badness (the first of equals, in fork order): the parent is spared for it. Returns the task killed.
     */
    // kernel: mm/oom_kill.c oom_kill_process()
    private Task oomKillProcess(Task chosen, long points, String message, MemCgroup memcg, long totalPages) {
        klog.printk(message + ": Kill process " + chosen.pid() + " (" + chosen.comm() + ") score " + points
                + " or sacrifice child");
        Task victim = chosen;
        long victimPoints = 0;
        if (chosen.hasChildren()) {
            for (Task child : tasks.get()) {
                if (child.parent() != chosen || child.exited()
                        || (memcg != null && !memcg.sameOrSubtree(child.memcg()))) {
                    continue; // oom_unkillable_task(): a child outside the memcg does not count
                }
                long childPoints = oomBadness(child, totalPages);
                if (childPoints > victimPoints) {
                    victim = child;
                    victimPoints = childPoints;
                }
            }
        }
        listener.killed(victim, memcg, victim == chosen ? points : victimPoints);
        klog.printk("Killed process " + victim.pid() + " (" + victim.comm() + ") total-vm:"
                + (victim.totalVmPages() * 4) + "kB, anon-rss:" + (victim.rssPages() * 4) + "kB, file-rss:"
                + (victim.fileRssPages() * 4) + "kB");
        victim.sendSigkill();
        victim.memdie = true;
        reaper.accept(victim);
        return victim;
    }
}
