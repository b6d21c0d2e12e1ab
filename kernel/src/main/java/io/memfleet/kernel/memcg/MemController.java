package io.memfleet.kernel.memcg;

import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.image.StatItem;
import io.memfleet.kernel.mm.Klog;
import io.memfleet.kernel.mm.PhysMem;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The memory controller of one node: the cgroup tree with css ids, and the operations behind its
 * control files and cgroupfs (mkdir, rmdir, attach, force_empty, limit resizing). Charging lives in
 * {@link MemcgCharger}, reclaim in {@link MemcgReclaim}, OOM in {@link OomKiller}. It builds those
 * parts; the {@code Kernel} that wires the node takes them from it once and gives each class the
 * parts it uses, so nothing reaches through the controller to them.
 */
public final class MemController {
    /** css ids are 16-bit in 3.3; id 0 is never used. */
    public static final int MAX_CSS_ID = MemcgDying.CSS_ID_MAX;

    /** Hooks the SLAB/kmem layer installs (patches 03/13 and 07/13). */
    public interface KmemHooks {
        /** Called at rmdir before user pages move to the parent: kill the group's caches, unaccount its kmem. */
        void onPreDestroy(MemCgroup memcg);
    }

    private final PhysMem mem;
    private final MemCgroup root;
    final List<MemCgroup> all = new ArrayList<>();
    /** The creation rank the next live group gets: {@link #all} is sorted by it. */
    private long nextRank;
    final MemcgDying dying = new MemcgDying();
    private final MemcgStock stock;
    private final MemcgOomWait oomWait = new MemcgOomWait();
    private final MemcgPages pages;
    private final MemcgReclaim reclaim;
    private final OomKiller oom;
    private final MemcgCharger charger;
    private final MemcgMoveCharge move;
    private final SockMem sockMem;
    private final ShmPages shm;
    private final MemcgThresholds thresholds;
    private final MemcgEvents events;
    private final SoftLimitTree softLimit;
    private KmemHooks kmemHooks = MemController::memcgKmemMove;

    public MemController(int cpus, PhysMem mem, Klog klog, Supplier<Iterable<Task>> tasks, Consumer<Task> reaper) {
        this.mem = mem;
        this.root = new MemCgroup(1, "", null);
        addLive(root);
        this.stock = new MemcgStock(cpus);
        this.thresholds = new MemcgThresholds();
        this.softLimit = new SoftLimitTree(mem);
        this.events = new MemcgEvents(cpus, thresholds, softLimit);
        this.pages = new MemcgPages(mem, oomWait, events, dying);
        this.shm = new ShmPages(mem, pages, events);
        this.reclaim = new MemcgReclaim(mem, pages, shm, stock, softLimit, () -> all);
        this.oom = new OomKiller(klog, mem, tasks, reaper);
        this.charger = new MemcgCharger(stock, reclaim, oom, oomWait, thresholds);
        this.move = new MemcgMoveCharge(stock, charger, new MemcgMoveAccount(events));
        this.sockMem = new SockMem(mem.totalPages());
    }

    public MemCgroup root() {
        return root;
    }

    public List<MemCgroup> all() {
        return all;
    }

    /** Appends a group to the live groups, which stay in creation order. */
    void addLive(MemCgroup g) {
        g.rank = nextRank++;
        all.add(g);
    }

    /** Forgets every live group (a restore rebuilds them with {@link #addLive}). */
    void clearLive() {
        all.clear();
        nextRank = 0;
    }

    /** The live groups, then the dying ones: every group that can still hold pages or swap entries. */
    public List<MemCgroup> allWithDying() {
        List<MemCgroup> out = new ArrayList<>(all.size() + dying.dying.size());
        out.addAll(all);
        out.addAll(dying.dying);
        return out;
    }

    /** The css id space and the groups removed but not yet freed. */
    public MemcgDying dying() {
        return dying;
    }

    public MemcgStock stock() {
        return stock;
    }

    public MemcgPages pages() {
        return pages;
    }

    public MemcgReclaim reclaim() {
        return reclaim;
    }

    public MemcgCharger charger() {
        return charger;
    }

    public OomKiller oomKiller() {
        return oom;
    }

    public MemcgThresholds thresholds() {
        return thresholds;
    }

    public MemcgEvents events() {
        return events;
    }

    SoftLimitTree softLimit() {
        return softLimit;
    }

    public ShmPages shm() {
        return shm;
    }

    public SockMem sockMem() {
        return sockMem;
    }

    public MemcgOomWait oomWait() {
        return oomWait;
    }

    public void setKmemHooks(KmemHooks hooks) {
        this.kmemHooks = hooks;
    }

    /** Looks up a child by name, or null. */
    public static MemCgroup child(MemCgroup parent, String name) {
        return parent.child(name);
    }

    // kernel: kernel/cgroup.c cgroup_mkdir() -> mm/memcontrol.c mem_cgroup_create()
    public Errno mkdir(MemCgroup parent, String name) {
        if (child(parent, name) != null) {
            return Errno.EEXIST;
        }
        int id = dying.getNewCssid();
        if (id < 0) {
            return Errno.ENOSPC;
        }
        MemCgroup g = new MemCgroup(id, name, parent);
        parent.addChild(g);
        addLive(g);
        sockMem.initCgroup(g);
        return Errno.OK;
    }

    // kernel: kernel/cgroup.c cgroup_rmdir() -> mm/memcontrol.c mem_cgroup_pre_destroy()
    public Errno rmdir(MemCgroup g) {
        if (g.isRoot()) {
            return Errno.EBUSY;
        }
        if (!g.tasks().isEmpty() || !g.children().isEmpty()) {
            return Errno.EBUSY;
        }
        Errno e = forceEmpty(g, false);
        if (e.isError()) {
            return e;
        }
        g.removed = true;
        thresholds.rmdir(g);
        softLimit.remove(g);
        sockMem.destroyCgroup(g);
        g.parent().removeChild(g);
        MemCgroup.removeByRank(all, g); // by binary search: thousands of rmdirs stay fast
        dying.destroy(g);
        oomWait.recover(g);
        return Errno.OK;
    }

    /**
     * Empties a group: with {@code freeAll} (a write to memory.force_empty) reclaim first and then
     * move what is left to the parent; at rmdir move everything to the parent and unaccount kmem.
     */
    // kernel: mm/memcontrol.c mem_cgroup_force_empty() (with patch 03/13)
    public Errno forceEmpty(MemCgroup g, boolean freeAll) {
        if (g.isRoot() || !g.tasks().isEmpty() || !g.children().isEmpty()) {
            return Errno.EBUSY;
        }
        stock.drainAllStock(g);
        if (freeAll) {
            tryToFree(g);
        } else {
            kmemHooks.onPreDestroy(g);
        }
        boolean shrunk = freeAll;
        Errno e;
        while ((e = move.moveToParent(g)) == Errno.ENOMEM && !shrunk) {
            shrunk = true; // the parent could not take a page: free what can be freed, then move again
            tryToFree(g);
            stock.drainAllStock(g);
        }
        if (e.isError()) {
            return Errno.EBUSY;
        }
        g.fileRuns.clear();
        return Errno.OK;
    }

    // kernel: mm/memcontrol.c mem_cgroup_force_empty() try_to_free
    private void tryToFree(MemCgroup g) {
        int retries = MemcgCharger.MEM_CGROUP_RECLAIM_RETRIES;
        while (retries > 0 && userUsage(g, true) > 0) {
            if (reclaim.tryToFreeMemCgroupPages(g, false, MemcgReclaim.SWAP_CLUSTER_MAX) == 0) {
                retries--;
            }
        }
    }

    /** res usage without kmem when kmem is counted in it (the loop condition of patch 03/13). */
    private static long userUsage(MemCgroup g, boolean freeAll) {
        long usage = g.res.usage();
        if (freeAll && !g.independentKmemLimit()) {
            usage -= g.kmem.usage();
        }
        return usage;
    }

    // kernel: mm/memcontrol.c memcg_kmem_move() (patch 03/13)
    private static void memcgKmemMove(MemCgroup g) {
        long kmem = g.kmem.usage();
        g.kmem.unchargeLocked(kmem);
        if (!g.independentKmemLimit()) {
            g.res.uncharge(kmem);
        }
    }

    /** Moves a task to another group, moving its charges as the destination's move_charge_at_immigrate asks. */
    // kernel: kernel/cgroup.c cgroup_attach_task() with mm/memcontrol.c mem_cgroup_can_attach()/move_charge()
    public Errno attach(Task t, MemCgroup to) {
        return move.attach(t, to);
    }

    /** Counts this group and, under use_hierarchy, its descendants. */
    // kernel: mm/memcontrol.c mem_cgroup_count_children()
    private static int countChildren(MemCgroup g) {
        return g.tree().size();
    }

    // kernel: mm/memcontrol.c mem_cgroup_resize_limit()
    public Errno resizeLimit(MemCgroup g, long val) {
        return resize(g, val, false);
    }

    // kernel: mm/memcontrol.c mem_cgroup_resize_memsw_limit()
    public Errno resizeMemswLimit(MemCgroup g, long val) {
        return resize(g, val, true);
    }

    private Errno resize(MemCgroup g, long val, boolean memswType) {
        int retryCount = MemcgCharger.MEM_CGROUP_RECLAIM_RETRIES * countChildren(g);
        ResCounter counter = memswType ? g.memsw : g.res;
        long oldUsage = counter.usage();
        boolean enlarge = false;
        Errno ret = Errno.EBUSY;
        while (retryCount > 0) {
            long memlimit = g.res.limit();
            long memswlimit = g.memsw.limit();
            if (memswType ? Long.compareUnsigned(memlimit, val) > 0 : Long.compareUnsigned(memswlimit, val) < 0) {
                return Errno.EINVAL;
            }
            if (Long.compareUnsigned(counter.limit(), val) < 0) {
                enlarge = true;
            }
            if (counter.setLimit(val)) {
                long other = memswType ? memlimit : memswlimit;
                g.setFlag(MemCgroup.MEMCG_MEMSW_IS_MINIMUM, other == val);
                ret = Errno.OK;
                break;
            }
            int flags = MemcgReclaim.RECLAIM_SHRINK | (memswType ? MemcgReclaim.RECLAIM_NOSWAP : 0);
            reclaim.reclaim(g, flags);
            long cur = counter.usage();
            if (cur >= oldUsage) {
                retryCount--;
            } else {
                oldUsage = cur;
            }
        }
        if (ret == Errno.OK && enlarge) {
            oomWait.recover(g);
        }
        return ret;
    }

    // kernel: mm/memcontrol.c mem_cgroup_write() _KMEM branch (patch 02/13)
    public Errno setKmemLimit(MemCgroup g, long val) {
        if (!g.independentKmemLimit()) {
            return Errno.EINVAL;
        }
        return g.kmem.setLimit(val) ? Errno.OK : Errno.EBUSY;
    }

    // kernel: mm/memcontrol.c mem_cgroup_independent_kmem_limit_write() (patch 02/13)
    public Errno setIndependentKmemLimit(MemCgroup g, long val) {
        if (val != 0) {
            g.setFlag(MemCgroup.MEMCG_INDEPENDENT_KMEM_LIMIT, true);
        } else {
            g.setFlag(MemCgroup.MEMCG_INDEPENDENT_KMEM_LIMIT, false);
            g.kmem.setLimit(ResCounter.RESOURCE_MAX);
        }
        return Errno.OK;
    }

    // kernel: mm/memcontrol.c mem_cgroup_hierarchy_write()
    public Errno setUseHierarchy(MemCgroup g, long val) {
        MemCgroup parent = g.parent();
        if ((parent == null || !parent.useHierarchy()) && (val == 1 || val == 0)) {
            if (!g.children().isEmpty()) {
                return Errno.EBUSY;
            }
            g.setFlag(MemCgroup.MEMCG_USE_HIERARCHY, val == 1);
            return Errno.OK;
        }
        return Errno.EINVAL;
    }

    // kernel: mm/memcontrol.c mem_cgroup_swappiness_write()
    public Errno setSwappiness(MemCgroup g, long val) {
        if (Long.compareUnsigned(val, 100) > 0 || g.isRoot()) {
            return Errno.EINVAL;
        }
        if (g.parent().useHierarchy() || (g.useHierarchy() && !g.children().isEmpty())) {
            return Errno.EINVAL;
        }
        g.setSwappiness((int) val);
        return Errno.OK;
    }

    // kernel: mm/memcontrol.c mem_cgroup_oom_control_write()
    public Errno setOomControl(MemCgroup g, long val) {
        if (g.isRoot() || !(val == 0 || val == 1)) {
            return Errno.EINVAL;
        }
        if (g.parent().useHierarchy() || (g.useHierarchy() && !g.children().isEmpty())) {
            return Errno.EINVAL;
        }
        g.setFlag(MemCgroup.MEMCG_OOM_KILL_DISABLE, val == 1);
        if (val == 0) {
            oomWait.recover(g);
        }
        return Errno.OK;
    }

    // kernel: mm/memcontrol.c mem_cgroup_move_charge_write()
    public Errno setMoveChargeAtImmigrate(MemCgroup g, long val) {
        if (Long.compareUnsigned(val, 4) >= 0) {
            return Errno.EINVAL;
        }
        g.setMoveChargeAtImmigrate((int) val);
        return Errno.OK;
    }

    /** usage_in_bytes (or memsw.usage_in_bytes): the counter, or for the root the summed statistics. */
    // kernel: mm/memcontrol.c mem_cgroup_usage()
    public static long usage(MemCgroup g, boolean swap) {
        if (!g.isRoot()) {
            return (swap ? g.memsw : g.res).usage();
        }
        long val = recursiveStat(g, StatItem.CACHE) + recursiveStat(g, StatItem.RSS);
        if (swap) {
            val += recursiveStat(g, StatItem.SWAP);
        }
        return val * PhysMem.PAGE_SIZE;
    }

    // kernel: mm/memcontrol.c mem_cgroup_recursive_stat()
    public static long recursiveStat(MemCgroup g, StatItem item) {
        long v = 0;
        for (MemCgroup m : g.tree()) {
            v += m.stat(item);
        }
        return v;
    }

    public PhysMem mem() {
        return mem;
    }
}
