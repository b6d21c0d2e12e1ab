package io.memfleet.kernel.fs;

import io.memfleet.kernel.Errno;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.ResCounter;
import io.memfleet.kernel.memcg.StatItem;
import io.memfleet.kernel.mm.Task;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The files of a memory cgroup directory with the formats and errno rules of 3.3 plus the v2
 * kmem files: reads format as the kernel prints, writes parse as the kernel parses.
 */
public final class CgroupFs {
    /** Every file in a memory cgroup directory, in the order the kernel registers them. */
    public static final List<String> FILES = List.of(
            "cgroup.procs", "tasks",
            "memory.usage_in_bytes", "memory.max_usage_in_bytes", "memory.limit_in_bytes",
            "memory.soft_limit_in_bytes", "memory.failcnt", "memory.stat", "memory.force_empty",
            "memory.use_hierarchy", "memory.swappiness", "memory.move_charge_at_immigrate",
            "memory.oom_control", "memory.numa_stat",
            "memory.memsw.usage_in_bytes", "memory.memsw.max_usage_in_bytes",
            "memory.memsw.limit_in_bytes", "memory.memsw.failcnt",
            "memory.kmem.independent_kmem_limit", "memory.kmem.limit_in_bytes",
            "memory.kmem.usage_in_bytes", "memory.kmem.slabinfo");

    private static final java.util.Set<String> U64_FILES = java.util.Set.of("tasks", "cgroup.procs",
            "memory.use_hierarchy", "memory.swappiness", "memory.move_charge_at_immigrate", "memory.oom_control",
            "memory.kmem.independent_kmem_limit");
    private static final java.util.Set<String> STRING_FILES = java.util.Set.of("memory.limit_in_bytes",
            "memory.soft_limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.kmem.limit_in_bytes");

    private final MemController mc;
    private final IntFunction<Task> taskLookup;
    private Function<MemCgroup, String> kmemSlabinfo = m -> "";

    public CgroupFs(MemController mc, IntFunction<Task> taskLookup) {
        this.mc = mc;
        this.taskLookup = taskLookup;
    }

    public void setKmemSlabinfo(Function<MemCgroup, String> f) {
        this.kmemSlabinfo = f;
    }

    public static boolean isControlFile(String name) {
        return FILES.contains(name);
    }

    private static String u64(long v) {
        return Long.toUnsignedString(v) + "\n";
    }

    // kernel: kernel/cgroup.c cgroup_file_read() -> mm/memcontrol.c mem_cgroup_read() and friends
    public FileResult read(MemCgroup g, String file) {
        return switch (file) {
            case "tasks", "cgroup.procs" -> FileResult.text(tasksText(g));
            case "memory.usage_in_bytes" -> FileResult.text(u64(mc.usage(g, false)));
            case "memory.max_usage_in_bytes" -> FileResult.text(u64(g.res().maxUsage()));
            case "memory.limit_in_bytes" -> FileResult.text(u64(g.res().limit()));
            case "memory.soft_limit_in_bytes" -> FileResult.text(u64(g.res().softLimit()));
            case "memory.failcnt" -> FileResult.text(u64(g.res().failcnt()));
            case "memory.memsw.usage_in_bytes" -> FileResult.text(u64(mc.usage(g, true)));
            case "memory.memsw.max_usage_in_bytes" -> FileResult.text(u64(g.memsw().maxUsage()));
            case "memory.memsw.limit_in_bytes" -> FileResult.text(u64(g.memsw().limit()));
            case "memory.memsw.failcnt" -> FileResult.text(u64(g.memsw().failcnt()));
            case "memory.kmem.independent_kmem_limit" -> FileResult.text(g.independentKmemLimit() ? "1\n" : "0\n");
            case "memory.kmem.limit_in_bytes" -> FileResult.text(u64(g.kmem().limit()));
            case "memory.kmem.usage_in_bytes" -> FileResult.text(u64(g.kmem().usage()));
            case "memory.kmem.slabinfo" -> FileResult.text(kmemSlabinfo.apply(g));
            case "memory.use_hierarchy" -> FileResult.text(g.useHierarchy() ? "1\n" : "0\n");
            case "memory.swappiness" -> FileResult.text(g.swappiness() + "\n");
            case "memory.move_charge_at_immigrate" -> FileResult.text(g.moveChargeAtImmigrate() + "\n");
            case "memory.oom_control" -> FileResult.text("oom_kill_disable " + (g.oomKillDisable() ? 1 : 0)
                    + "\nunder_oom " + (g.underOom() ? 1 : 0) + "\n");
            case "memory.stat" -> FileResult.text(statText(g));
            case "memory.numa_stat" -> FileResult.text(numaStatText(g));
            case "memory.force_empty" -> FileResult.of(Errno.EINVAL);
            default -> FileResult.of(Errno.ENOENT);
        };
    }

    // kernel: kernel/cgroup.c cgroup_file_write() -> mm/memcontrol.c mem_cgroup_write() and friends
    public Errno write(MemCgroup g, String file, String value) {
        // kernel: kernel/cgroup.c cgroup_write_X64() and cgroup_write_string(): the write (value plus
        // echo's newline) must fit the 64-byte local buffer
        int nbytes = value.length() + 1;
        if (U64_FILES.contains(file) && nbytes >= 64 || STRING_FILES.contains(file) && nbytes >= 63) {
            return Errno.E2BIG;
        }
        return switch (file) {
            case "tasks", "cgroup.procs" -> writeTasks(g, value);
            case "memory.limit_in_bytes" -> writeLimit(g, value, 0);
            case "memory.memsw.limit_in_bytes" -> writeLimit(g, value, 1);
            case "memory.kmem.limit_in_bytes" -> writeLimit(g, value, 2);
            case "memory.soft_limit_in_bytes" -> {
                Long v = Memparse.limitValue(value);
                if (v == null) {
                    yield Errno.EINVAL;
                }
                g.res().setSoftLimit(v);
                yield Errno.OK;
            }
            case "memory.max_usage_in_bytes" -> trigger(g.res(), true);
            case "memory.failcnt" -> trigger(g.res(), false);
            case "memory.memsw.max_usage_in_bytes" -> trigger(g.memsw(), true);
            case "memory.memsw.failcnt" -> trigger(g.memsw(), false);
            case "memory.force_empty" -> mc.forceEmpty(g, true);
            case "memory.use_hierarchy" -> writeU64(value, v -> mc.setUseHierarchy(g, v));
            case "memory.swappiness" -> writeU64(value, v -> mc.setSwappiness(g, v));
            case "memory.move_charge_at_immigrate" -> writeU64(value, v -> mc.setMoveChargeAtImmigrate(g, v));
            case "memory.oom_control" -> writeU64(value, v -> mc.setOomControl(g, v));
            case "memory.kmem.independent_kmem_limit" -> writeU64(value, v -> mc.setIndependentKmemLimit(g, v));
            case "memory.usage_in_bytes", "memory.memsw.usage_in_bytes", "memory.kmem.usage_in_bytes",
                 "memory.stat", "memory.numa_stat", "memory.kmem.slabinfo" -> Errno.EINVAL;
            default -> Errno.EACCES; // `echo > newfile`: cgroupfs directories do not create files
        };
    }

    private interface U64Writer {
        Errno write(long v);
    }

    private static Errno writeU64(String value, U64Writer w) {
        Long v = Memparse.u64Value(value);
        return v == null ? Errno.EINVAL : w.write(v);
    }

    // kernel: mm/memcontrol.c mem_cgroup_reset()
    private static Errno trigger(ResCounter c, boolean max) {
        if (max) {
            c.resetMax();
        } else {
            c.resetFailcnt();
        }
        return Errno.OK;
    }

    // kernel: mm/memcontrol.c mem_cgroup_write() RES_LIMIT
    private Errno writeLimit(MemCgroup g, String value, int type) {
        if (g.isRoot()) {
            return Errno.EINVAL;
        }
        Long v = Memparse.limitValue(value);
        if (v == null) {
            return Errno.EINVAL;
        }
        return switch (type) {
            case 0 -> mc.resizeLimit(g, v);
            case 1 -> mc.resizeMemswLimit(g, v);
            default -> mc.setKmemLimit(g, v);
        };
    }

    // kernel: kernel/cgroup.c attach_task_by_pid()
    private Errno writeTasks(MemCgroup g, String value) {
        Long pid = Memparse.u64Value(value);
        if (pid == null) {
            return Errno.EINVAL;
        }
        Task t = pid > Integer.MAX_VALUE || pid <= 0 ? null : taskLookup.apply(pid.intValue());
        if (t == null || t.exited()) {
            return Errno.ESRCH;
        }
        return mc.attach(t, g);
    }

    private static String tasksText(MemCgroup g) {
        int[] pids = g.tasks().stream().mapToInt(Task::pid).toArray();
        Arrays.sort(pids);
        StringBuilder sb = new StringBuilder();
        for (int p : pids) {
            sb.append(p).append('\n');
        }
        return sb.toString();
    }

    // kernel: mm/memcontrol.c mem_control_stat_show()
    private static String statText(MemCgroup g) {
        StringBuilder sb = new StringBuilder(1024);
        for (StatItem it : StatItem.ALL) {
            long v = g.stat(it);
            sb.append(it.statName()).append(' ').append(it.inPages() ? v * Memparse.PAGE_SIZE : v).append('\n');
        }
        long[] lim = MemController.hierarchicalLimits(g);
        sb.append("hierarchical_memory_limit ").append(Long.toUnsignedString(lim[0])).append('\n');
        sb.append("hierarchical_memsw_limit ").append(Long.toUnsignedString(lim[1])).append('\n');
        for (StatItem it : StatItem.ALL) {
            long v = MemController.recursiveStat(g, it);
            sb.append("total_").append(it.statName()).append(' ')
                    .append(it.inPages() ? v * Memparse.PAGE_SIZE : v).append('\n');
        }
        return sb.toString();
    }

    // kernel: mm/memcontrol.c mem_control_numa_stat_show()
    private static String numaStatText(MemCgroup g) {
        long file = g.stat(StatItem.INACTIVE_FILE) + g.stat(StatItem.ACTIVE_FILE);
        long anon = g.stat(StatItem.INACTIVE_ANON) + g.stat(StatItem.ACTIVE_ANON);
        long unevictable = g.stat(StatItem.UNEVICTABLE);
        long total = file + anon + unevictable;
        return "total=" + total + " N0=" + total + "\n"
                + "file=" + file + " N0=" + file + "\n"
                + "anon=" + anon + " N0=" + anon + "\n"
                + "unevictable=" + unevictable + " N0=" + unevictable + "\n";
    }
}
