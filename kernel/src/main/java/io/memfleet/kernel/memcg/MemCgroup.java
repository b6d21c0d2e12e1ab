package io.memfleet.kernel.memcg;

import io.memfleet.kernel.image.StatItem;
import io.memfleet.kernel.mm.LruList;
import java.util.ArrayList;
import java.util.List;

/**
 * struct mem_cgroup of 3.3 with the v2 series: the flags word of patch 01/13, the res, memsw and
 * kmem counters (02/13), swappiness, move_charge_at_immigrate, local statistics, and the LRU-ordered
 * page runs charged to it. The root cgroup's counters are never charged (3.3 behaviour).
 */
public final class MemCgroup {
    // kernel: mm/memcontrol.c enum memcg_flags (patch 01/13, 02/13)
    public static final int MEMCG_USE_HIERARCHY = 1;
    public static final int MEMCG_MEMSW_IS_MINIMUM = 1 << 1;
    public static final int MEMCG_OOM_KILL_DISABLE = 1 << 2;
    public static final int MEMCG_INDEPENDENT_KMEM_LIMIT = 1 << 3;

    public static final int VM_SWAPPINESS_DEFAULT = 60;

    private final int id;
    private final String name;
    private final MemCgroup parent;
    private final List<MemCgroup> children = new ArrayList<>(0);
    private final List<MemCgroup> childrenView = java.util.Collections.unmodifiableList(children);
    /** The children by name, so a path is resolved in constant time per component (dentry lookup, not a scan). */
    private final java.util.Map<String, MemCgroup> childByName = new java.util.HashMap<>(0);
    private final List<Task> tasks = new ArrayList<>(0);

    final ResCounter res;
    final ResCounter memsw;
    final ResCounter kmem;
    /** TCP socket memory (tcp_memcontrol); null for the root, which has no tcp counter. */
    TcpMemcontrol tcp;

    int flags;
    int swappiness;
    int moveChargeAtImmigrate;
    final long[] stat = new long[StatItem.ALL.length];

    /** Charged anonymous page runs in LRU order (oldest first). */
    final LruList<AnonRun> anonRuns = new LruList<>();
    /** Charged page-cache runs in LRU order (oldest first). */
    final LruList<FileRun> fileRuns = new LruList<>();
    /** Charged shared memory runs in LRU order (oldest first). */
    final LruList<ShmRun> shmRuns = new LruList<>();

    int underOom;
    /** rmdir took it off the hierarchy (it may still be dying: see {@link MemcgDying}). */
    boolean removed;
    /** Its place in the controller's list of live groups (creation order). */
    long rank;
    /** Freed: its last reference went and its css id was released. */
    boolean freed;
    /** Dead caches with slab pages still charged to it (kmem-pins-memcg). */
    int slabPins;
    /** Removed use_hierarchy children not yet freed, each holding a reference to this group. */
    int childPins;
    /** Per CPU: the event counter and its next threshold and soft-limit check (3 longs a CPU), from the first event. */
    long[] events;
    /** Registrations through cgroup.event_control, from the first one (null: none). */
    MemcgThresholds.Registry notify;
    /** The soft-limit tree's view of this group (mem_cgroup_per_zone: on_tree, usage_in_excess, its place). */
    boolean onSoftTree;
    long usageInExcess;
    long softTreeSeq;
    /** The css id the soft-limit reclaim iterator of this group stopped at (reclaim_iter position). */
    int softIterPosition;

    MemCgroup(int id, String name, MemCgroup parent) {
        this(id, name, parent, parent != null && parent.useHierarchy());
    }

    /**
     * A group whose counters are chained to {@code parent}'s when {@code hier} (use_hierarchy at
     * its mkdir). A restored dying group whose parent was freed has none ({@code parent} null, its
     * path given by {@link #restorePath}); it is still not the root.
     */
    MemCgroup(int id, String name, MemCgroup parent, boolean hier) {
        this.id = id;
        this.name = name;
        this.parent = parent;
        this.res = new ResCounter(hier ? parent.res : null);
        this.memsw = new ResCounter(hier ? parent.memsw : null);
        // kernel: mm/memcontrol.c memcg_kmem_init() (patch 02/13): chained only below a non-root hierarchical parent
        this.kmem = new ResCounter(hier && !parent.isRoot() ? parent.kmem : null);
        if (parent != null) {
            // kernel: mm/memcontrol.c mem_cgroup_create(): inherit use_hierarchy, oom_kill_disable, swappiness
            flags = parent.flags & (MEMCG_USE_HIERARCHY | MEMCG_OOM_KILL_DISABLE);
            swappiness = parent.swappiness();
        } else {
            swappiness = VM_SWAPPINESS_DEFAULT;
        }
    }

    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    public MemCgroup parent() {
        return parent;
    }

    public boolean isRoot() {
        return id == ROOT_ID;
    }

    /** The root's css id, the first one handed out. */
    public static final int ROOT_ID = 1;

    /**
     * A stand-in for a freed group that a restored page-cache run still names (a mapping's
     * extent whose pages went to the parent at rmdir): it holds no id and is never looked up.
     */
    static MemCgroup freedGhost() {
        MemCgroup g = new MemCgroup(0, "", null, false);
        g.removed = true;
        g.freed = true;
        g.path = "";
        return g;
    }

    /** Restores the path a dying group had (its parent may be gone). */
    void restorePath(String p) {
        this.path = p;
    }

    /** The children in creation order (read-only: {@link #addChild} and {@link #removeChild} change them). */
    public List<MemCgroup> children() {
        return childrenView;
    }

    /** The child called {@code name}, or null. */
    public MemCgroup child(String name) {
        return childByName.get(name);
    }

    void addChild(MemCgroup g) {
        children.add(g);
        childByName.put(g.name(), g);
    }

    void removeChild(MemCgroup g) {
        removeByRank(children, g);
        childByName.remove(g.name());
    }

    /** Removes {@code g} from a list of groups in creation order, found by binary search on its rank. */
    static void removeByRank(List<MemCgroup> groups, MemCgroup g) {
        int lo = 0;
        int hi = groups.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long r = groups.get(mid).rank;
            if (r == g.rank) {
                groups.remove(mid);
                return;
            }
            if (r < g.rank) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        throw new IllegalStateException(g + " is not in the list");
    }

    void clearChildren() {
        children.clear();
        childByName.clear();
    }

    public List<Task> tasks() {
        return tasks;
    }

    public ResCounter res() {
        return res;
    }

    public ResCounter memsw() {
        return memsw;
    }

    /** The group's shared memory runs, oldest first (a copy). */
    public List<ShmRun> shmRunsOldestFirst() {
        return shmRuns.toList();
    }

    /** The tcp counter, or null for the root. */
    public ResCounter tcp() {
        return tcp == null ? null : tcp.memoryAllocated;
    }

    public ResCounter kmem() {
        return kmem;
    }

    public boolean testFlag(int flag) {
        return (flags & flag) != 0;
    }

    void setFlag(int flag, boolean on) {
        flags = on ? flags | flag : flags & ~flag;
    }

    public boolean useHierarchy() {
        return testFlag(MEMCG_USE_HIERARCHY);
    }

    public boolean oomKillDisable() {
        return testFlag(MEMCG_OOM_KILL_DISABLE);
    }

    public boolean independentKmemLimit() {
        return testFlag(MEMCG_INDEPENDENT_KMEM_LIMIT);
    }

    // kernel: mm/memcontrol.c mem_cgroup_swappiness()
    public int swappiness() {
        return isRoot() ? VM_SWAPPINESS_DEFAULT : swappiness;
    }

    void setSwappiness(int v) {
        swappiness = v;
    }

    public int moveChargeAtImmigrate() {
        return moveChargeAtImmigrate;
    }

    void setMoveChargeAtImmigrate(int v) {
        moveChargeAtImmigrate = v;
    }

    public long stat(StatItem item) {
        return stat[item.ordinal()];
    }

    public void addStat(StatItem item, long delta) {
        stat[item.ordinal()] += delta;
    }

    /** Adds this group's counters into {@code sums} (indexed by StatItem ordinal). */
    void addStatsTo(long[] sums) {
        for (int i = 0; i < stat.length; i++) {
            sums[i] += stat[i];
        }
    }

    /** A copy of the local counters, indexed by StatItem ordinal. */
    public long[] statCopy() {
        return stat.clone();
    }

    /** The counters summed over this group and, under use_hierarchy, its descendants (memory.stat total_*). */
    // kernel: mm/memcontrol.c mem_cgroup_get_total_stat()
    // kernel: mm/memcontrol.c mem_cgroup_get_total_stat() (for_each_mem_cgroup_tree: the root walks every group)
    public long[] totalStat() {
        long[] sums = new long[stat.length];
        for (MemCgroup g : tree()) {
            g.addStatsTo(sums);
        }
        return sums;
    }

    /**
     * This CPU's event counter as its distances to its two targets, packed; 0 before the group's
     * first event or when no check of its events can act.
     */
    public long eventPhase(int cpu) {
        if (events == null || !MemcgEvents.checksAct(this)) {
            return 0;
        }
        int b = 3 * cpu;
        return (events[b + 1] - events[b]) * 0x100000001L + (events[b + 2] - events[b]);
    }

    public boolean underOom() {
        return underOom > 0;
    }

    public boolean isRemoved() {
        return removed;
    }

    /** A dead cache with slab pages charged to this group starts ({@code +1}) or stops ({@code -1}) holding it. */
    public void pinBySlab(int delta) {
        slabPins += delta;
    }

    /** Removed but not yet freed: still holding its css id and what is charged to it. */
    public boolean isDying() {
        return removed && !freed;
    }

    /** Path relative to the memory hierarchy's mount point, "/" for the root. */
    public String path() {
        if (path == null) {
            if (isRoot()) {
                path = "/";
            } else {
                StringBuilder sb = new StringBuilder();
                appendPath(sb);
                path = sb.toString();
            }
        }
        return path;
    }

    /** The path, computed once: a cgroup is never renamed or moved. */
    private String path;

    private void appendPath(StringBuilder sb) {
        if (parent != null) {
            parent.appendPath(sb);
            sb.append('/').append(name);
        }
    }

    /** True when {@code other} is this group or, under use_hierarchy, one of its descendants. */
    // kernel: mm/memcontrol.c mem_cgroup_same_or_subtree()
    public boolean sameOrSubtree(MemCgroup other) {
        if (other == this) {
            return true;
        }
        if (!useHierarchy()) {
            return false;
        }
        for (MemCgroup p = other.parent; p != null; p = p.parent) {
            if (p == this) {
                return true;
            }
        }
        return false;
    }

    /**
     * This group and the groups under it that a walk from it covers: with use_hierarchy its whole
     * subtree, without only itself, except from the root, which walks every group whatever its
     * use_hierarchy (mem_cgroup_iter() limits only a non-root group without use_hierarchy).
     */
    // kernel: mm/memcontrol.c for_each_mem_cgroup_tree() -> mem_cgroup_iter()
    public List<MemCgroup> tree() {
        List<MemCgroup> out = new ArrayList<>();
        collect(this, out, isRoot());
        return out;
    }

    private static void collect(MemCgroup g, List<MemCgroup> out, boolean everything) {
        out.add(g);
        if (everything || g.useHierarchy()) {
            for (MemCgroup c : g.children) {
                collect(c, out, everything);
            }
        }
    }

    /** As {@link #tree()}, in css id order (css_get_next()), the order mem_cgroup_iter() visits. */
    public List<MemCgroup> treeById() {
        List<MemCgroup> out = tree();
        out.sort(java.util.Comparator.comparingInt(MemCgroup::id));
        return out;
    }

    /** The group whose counters this one's are chained to (use_hierarchy at mkdir), or null. */
    // kernel: mm/memcontrol.c parent_mem_cgroup()
    public MemCgroup parentMemcg() {
        return res.parent() == null ? null : parent;
    }

    /** The smallest limits over this group and its hierarchical ancestors (memory.stat hierarchical_*). */
    // kernel: mm/memcontrol.c memcg_get_hierarchical_limit()
    public HierarchicalLimits hierarchicalLimits() {
        long min = res.limit();
        long minSw = memsw.limit();
        MemCgroup m = this;
        while (m.parent() != null && m.parent().useHierarchy()) {
            m = m.parent();
            min = Long.compareUnsigned(m.res.limit(), min) < 0 ? m.res.limit() : min;
            minSw = Long.compareUnsigned(m.memsw.limit(), minSw) < 0 ? m.memsw.limit() : minSw;
        }
        return new HierarchicalLimits(min, minSw);
    }

    @Override
    public String toString() {
        return "memcg(" + id + ":" + path() + ")";
    }
}
