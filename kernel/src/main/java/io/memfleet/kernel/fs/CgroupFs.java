package io.memfleet.kernel.fs;

import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemcgThresholds;
import io.memfleet.kernel.memcg.ResCounter;
import io.memfleet.kernel.memcg.SockMem;
import io.memfleet.kernel.memcg.Task;
import java.util.function.IntFunction;

/**
 * The write side of a memory cgroup directory with the errno rules of 3.3 plus the v2 kmem files:
 * values parse as the kernel parses them and go to the memory controller. Reads are rendered from
 * images by {@link ControlFiles}.
 */
public final class CgroupFs {
    private static final java.util.Set<String> U64_FILES = java.util.Set.of("tasks", "cgroup.procs",
            "memory.use_hierarchy", "memory.swappiness", "memory.move_charge_at_immigrate", "memory.oom_control",
            "memory.kmem.independent_kmem_limit");
    private static final java.util.Set<String> STRING_FILES = java.util.Set.of("memory.limit_in_bytes",
            "memory.soft_limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.kmem.limit_in_bytes",
            "memory.kmem.tcp.limit_in_bytes", "cgroup.event_control");

    private final MemController mc;
    private final MemcgThresholds thresholds;
    private final SockMem sockMem;
    private final IntFunction<Task> taskLookup;

    public CgroupFs(MemController mc, MemcgThresholds thresholds, SockMem sockMem, IntFunction<Task> taskLookup) {
        this.mc = mc;
        this.thresholds = thresholds;
        this.sockMem = sockMem;
        this.taskLookup = taskLookup;
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
            case "memory.limit_in_bytes" -> writeLimit(g, value, LimitKind.MEM);
            case "memory.memsw.limit_in_bytes" -> writeLimit(g, value, LimitKind.MEMSW);
            case "memory.kmem.limit_in_bytes" -> writeLimit(g, value, LimitKind.KMEM);
            case "memory.kmem.tcp.limit_in_bytes" -> writeTcpLimit(g, value);
            case "memory.kmem.tcp.failcnt" -> g.isRoot() ? Errno.OK : trigger(g.tcp(), false);
            case "memory.kmem.tcp.max_usage_in_bytes" -> g.isRoot() ? Errno.OK : trigger(g.tcp(), true);
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
            case "cgroup.event_control" -> writeEventControl(value);
            case "memory.use_hierarchy" -> writeU64(value, v -> mc.setUseHierarchy(g, v));
            case "memory.swappiness" -> writeU64(value, v -> mc.setSwappiness(g, v));
            case "memory.move_charge_at_immigrate" -> writeU64(value, v -> mc.setMoveChargeAtImmigrate(g, v));
            case "memory.oom_control" -> writeU64(value, v -> mc.setOomControl(g, v));
            case "memory.kmem.independent_kmem_limit" -> writeU64(value, v -> mc.setIndependentKmemLimit(g, v));
            case "memory.usage_in_bytes", "memory.memsw.usage_in_bytes", "memory.kmem.usage_in_bytes",
                 "memory.kmem.tcp.usage_in_bytes",
                 "memory.stat", "memory.numa_stat", "memory.kmem.slabinfo" -> Errno.EINVAL;
            default -> Errno.EACCES; // `echo > newfile`: cgroupfs directories do not create files
        };
    }

    /** The counter a limit file sets: MEMFILE_TYPE() of its cftype (_MEM, _MEMSWAP, _KMEM). */
    private enum LimitKind { MEM, MEMSW, KMEM }

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
    private Errno writeLimit(MemCgroup g, String value, LimitKind kind) {
        if (g.isRoot()) {
            return Errno.EINVAL;
        }
        Long v = Memparse.limitValue(value);
        if (v == null) {
            return Errno.EINVAL;
        }
        return switch (kind) {
            case MEM -> mc.resizeLimit(g, v);
            case MEMSW -> mc.resizeMemswLimit(g, v);
            case KMEM -> mc.setKmemLimit(g, v);
        };
    }

    // kernel: net/ipv4/tcp_memcontrol.c tcp_cgroup_write() RES_LIMIT
    private Errno writeTcpLimit(MemCgroup g, String value) {
        Long v = Memparse.limitValue(value);
        if (v == null) {
            return Errno.EINVAL;
        }
        return sockMem.updateLimit(g, v);
    }

    /**
     * A write of "EVENT_FD CONTROL_FD ARGS" by the script's shell, which holds no eventfd: fds 0 to 2
     * are open but no eventfds (EINVAL), any other is not open (EBADF); a malformed line is EINVAL.
     */
    // kernel: kernel/cgroup.c cgroup_write_event_control()
    private static Errno writeEventControl(String value) {
        String buf = value.strip();
        Memparse.Parsed efd = Memparse.strtoull(buf, 0, 10);
        if (efd.end() >= buf.length() || buf.charAt(efd.end()) != ' ') {
            return Errno.EINVAL;
        }
        int end = Memparse.strtoull(buf, efd.end() + 1, 10).end(); // the control fd is looked up only after the eventfd
        if (end < buf.length() && buf.charAt(end) != ' ') {
            return Errno.EINVAL;
        }
        return Long.compareUnsigned(efd.value(), 2) <= 0 ? Errno.EINVAL : Errno.EBADF;
    }

    /** Registers a watcher's eventfd on a control file; files without register_event are EINVAL. */
    // kernel: mm/memcontrol.c mem_cgroup_usage_register_event() / mem_cgroup_oom_register_event()
    public Errno registerEvent(MemCgroup g, String file, String args) {
        switch (file) {
            case MemcgThresholds.USAGE, MemcgThresholds.MEMSW_USAGE -> {
                Long v = args.isEmpty() ? null : Memparse.limitValue(args);
                if (v == null) {
                    return Errno.EINVAL;
                }
                thresholds.registerUsage(g, file.equals(MemcgThresholds.MEMSW_USAGE), v);
                return Errno.OK;
            }
            case MemcgThresholds.OOM_CONTROL -> {
                thresholds.registerOom(g);
                return Errno.OK;
            }
            default -> {
                return Errno.EINVAL;
            }
        }
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
}
