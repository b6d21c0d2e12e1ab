package io.memfleet.kernel.fs;

import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.api.FileText;
import io.memfleet.kernel.image.CacheImage;
import io.memfleet.kernel.image.CgroupImage;
import io.memfleet.kernel.image.NodeImage;
import io.memfleet.kernel.image.StatItem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The read side of a memory cgroup directory: every control file's contents as 3.3 with the v2
 * kmem files prints them, rendered from a {@link CgroupImage}. A live {@code cat} and a dump of a
 * node's final state go through the same code.
 */
public final class ControlFiles {
    /** Every file in a memory cgroup directory, in the order the kernel registers them. */
    public static final List<String> FILES = List.of(
            "cgroup.procs", "tasks", "cgroup.event_control",
            "memory.usage_in_bytes", "memory.max_usage_in_bytes", "memory.limit_in_bytes",
            "memory.soft_limit_in_bytes", "memory.failcnt", "memory.stat", "memory.force_empty",
            "memory.use_hierarchy", "memory.swappiness", "memory.move_charge_at_immigrate",
            "memory.oom_control", "memory.numa_stat",
            "memory.memsw.usage_in_bytes", "memory.memsw.max_usage_in_bytes",
            "memory.memsw.limit_in_bytes", "memory.memsw.failcnt",
            "memory.kmem.independent_kmem_limit", "memory.kmem.limit_in_bytes",
            "memory.kmem.usage_in_bytes", "memory.kmem.slabinfo",
            "memory.kmem.tcp.limit_in_bytes", "memory.kmem.tcp.usage_in_bytes", "memory.kmem.tcp.failcnt",
            "memory.kmem.tcp.max_usage_in_bytes");

    private ControlFiles() {
    }

    public static boolean isControlFile(String name) {
        return FILES.contains(name);
    }

    private static String u64(long v) {
        return Long.toUnsignedString(v) + "\n";
    }

    /** A file's contents, or the errno a read of it returns; {@code caches} is asked only for kmem.slabinfo. */
    // kernel: kernel/cgroup.c cgroup_file_read() -> mm/memcontrol.c mem_cgroup_read() and friends
    public static FileResult read(CgroupImage g, Supplier<List<CacheImage>> caches, String file) {
        return switch (file) {
            case "tasks", "cgroup.procs" -> FileResult.text(tasksText(g));
            case "memory.usage_in_bytes" -> FileResult.text(u64(g.usage()));
            case "memory.max_usage_in_bytes" -> FileResult.text(u64(g.res().maxUsage()));
            case "memory.limit_in_bytes" -> FileResult.text(u64(g.res().limit()));
            case "memory.soft_limit_in_bytes" -> FileResult.text(u64(g.res().softLimit()));
            case "memory.failcnt" -> FileResult.text(u64(g.res().failcnt()));
            case "memory.memsw.usage_in_bytes" -> FileResult.text(u64(g.memswUsage()));
            case "memory.memsw.max_usage_in_bytes" -> FileResult.text(u64(g.memsw().maxUsage()));
            case "memory.memsw.limit_in_bytes" -> FileResult.text(u64(g.memsw().limit()));
            case "memory.memsw.failcnt" -> FileResult.text(u64(g.memsw().failcnt()));
            case "memory.kmem.independent_kmem_limit" -> FileResult.text(g.independentKmemLimit() ? "1\n" : "0\n");
            case "memory.kmem.limit_in_bytes" -> FileResult.text(u64(g.kmem().limit()));
            case "memory.kmem.usage_in_bytes" -> FileResult.text(u64(g.kmem().usage()));
            case "memory.kmem.slabinfo" -> FileResult.text(kmemSlabinfo(g, caches.get()));
            case "memory.kmem.tcp.limit_in_bytes" -> FileResult.text(u64(g.tcp().limit()));
            case "memory.kmem.tcp.usage_in_bytes" -> FileResult.text(u64(g.tcp().usage()));
            case "memory.kmem.tcp.failcnt" -> FileResult.text(u64(g.tcp().failcnt()));
            case "memory.kmem.tcp.max_usage_in_bytes" -> FileResult.text(u64(g.tcp().maxUsage()));
            case "memory.use_hierarchy" -> FileResult.text(g.useHierarchy() ? "1\n" : "0\n");
            case "memory.swappiness" -> FileResult.text(g.swappiness() + "\n");
            case "memory.move_charge_at_immigrate" -> FileResult.text(g.moveChargeAtImmigrate() + "\n");
            case "memory.oom_control" -> FileResult.text("oom_kill_disable " + (g.oomKillDisable() ? 1 : 0)
                    + "\nunder_oom " + (g.underOom() ? 1 : 0) + "\n");
            case "memory.stat" -> FileResult.text(statText(g));
            case "memory.numa_stat" -> FileResult.text(numaStatText(g));
            case "memory.force_empty", "cgroup.event_control" -> FileResult.of(Errno.EINVAL);
            default -> FileResult.of(Errno.ENOENT);
        };
    }

    /**
     * Every readable file of every cgroup (sorted by path, each directory's files in registration
     * order), then /proc/meminfo and /proc/slabinfo: a node's state as a person would inspect it.
     */
    public static List<FileText> dump(NodeImage node) {
        List<FileText> out = new ArrayList<>();
        List<CgroupImage> groups = new ArrayList<>(node.cgroups());
        groups.sort(Comparator.comparing(CgroupImage::path));
        Supplier<List<CacheImage>> caches = node::caches;
        for (CgroupImage g : groups) {
            String dir = g.isRoot() ? "" : g.path();
            for (String f : FILES) {
                FileResult r = read(g, caches, f);
                if (!r.errno().isError()) {
                    out.add(new FileText(dir + "/" + f, r.text()));
                }
            }
        }
        out.add(new FileText(ProcFiles.MEMINFO, ProcFiles.meminfo(node.meminfo())));
        out.add(new FileText(ProcFiles.SLABINFO, ProcFiles.slabinfo(node.caches())));
        return out;
    }

    private static String tasksText(CgroupImage g) {
        StringBuilder sb = new StringBuilder();
        for (int p : g.pids()) {
            sb.append(p).append('\n');
        }
        return sb.toString();
    }

    // kernel: mm/memcontrol.c mem_control_stat_show()
    private static String statText(CgroupImage g) {
        StringBuilder sb = new StringBuilder(1024);
        for (StatItem it : StatItem.ALL) {
            sb.append(it.statName()).append(' ').append(g.stat().shown(it)).append('\n');
        }
        sb.append("hierarchical_memory_limit ").append(Long.toUnsignedString(g.hierarchicalMemoryLimit())).append('\n');
        sb.append("hierarchical_memsw_limit ").append(Long.toUnsignedString(g.hierarchicalMemswLimit())).append('\n');
        for (StatItem it : StatItem.ALL) {
            sb.append("total_").append(it.statName()).append(' ').append(g.total().shown(it)).append('\n');
        }
        return sb.toString();
    }

    // kernel: mm/memcontrol.c mem_control_numa_stat_show()
    private static String numaStatText(CgroupImage g) {
        long file = g.stat().get(StatItem.INACTIVE_FILE) + g.stat().get(StatItem.ACTIVE_FILE);
        long anon = g.stat().get(StatItem.INACTIVE_ANON) + g.stat().get(StatItem.ACTIVE_ANON);
        long unevictable = g.stat().get(StatItem.UNEVICTABLE);
        long total = file + anon + unevictable;
        return "total=" + total + " N0=" + total + "\n"
                + "file=" + file + " N0=" + file + "\n"
                + "anon=" + anon + " N0=" + anon + "\n"
                + "unevictable=" + unevictable + " N0=" + unevictable + "\n";
    }

    /** memory.kmem.slabinfo: the caches whose memcg is this group (for the root: global and dead caches). */
    // kernel: mm/slab.c mem_cgroup_slabinfo() (patch 12/13)
    private static String kmemSlabinfo(CgroupImage g, List<CacheImage> caches) {
        int want = g.isRoot() ? 0 : g.id();
        StringBuilder sb = new StringBuilder(256);
        sb.append("# name            <active_objs> <num_objs> <objsize>\n");
        for (CacheImage c : caches) {
            if (c.memcgId() == want) {
                ProcFiles.left(sb, c.name(), 17);
                ProcFiles.right(sb.append(' '), c.activeObjs(), 6);
                ProcFiles.right(sb.append(' '), c.numObjs(), 6);
                ProcFiles.right(sb.append(' '), c.objsize(), 6);
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
