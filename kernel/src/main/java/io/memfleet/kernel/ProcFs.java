package io.memfleet.kernel;

import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.fs.FileResult;
import io.memfleet.kernel.fs.Memparse;
import io.memfleet.kernel.fs.ProcFiles;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemcgPages;
import io.memfleet.kernel.memcg.OomKiller;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.slab.SlabLayer;

/**
 * /proc/meminfo, /proc/slabinfo, /proc/sys/vm/drop_caches and each task's /proc/PID/oom_score_adj
 * and oom_score. Other paths are not handled here.
 */
final class ProcFs {
    private static final String OOM_SCORE_ADJ = "oom_score_adj";
    private static final String OOM_SCORE = "oom_score";
    private final MemController mc;
    private final OomKiller oom;
    private final MemcgPages memcgPages;
    private final SlabLayer slab;
    private final ImageBuilder images;
    private final java.util.function.IntFunction<Task> tasks;

    ProcFs(MemController mc, OomKiller oom, MemcgPages memcgPages, SlabLayer slab, ImageBuilder images,
           java.util.function.IntFunction<Task> tasks) {
        this.mc = mc;
        this.oom = oom;
        this.memcgPages = memcgPages;
        this.slab = slab;
        this.images = images;
        this.tasks = tasks;
    }

    /** The file's contents, or null when the path is not a /proc file. */
    FileResult read(String path) {
        return switch (path) {
            case ProcFiles.MEMINFO -> FileResult.text(ProcFiles.meminfo(images.meminfo()));
            case ProcFiles.SLABINFO -> FileResult.text(ProcFiles.slabinfo(images.caches()));
            case ProcFiles.VMSTAT -> FileResult.text(ProcFiles.vmstat(images.meminfo(), images.vmEvents()));
            case ProcFiles.DROP_CACHES -> FileResult.of(Errno.EACCES);
            default -> path.startsWith("/proc/") ? readPid(path) : null;
        };
    }

    /** The write's errno, or null when the path is not a /proc file. */
    Errno write(String path, String value) {
        return switch (path) {
            case ProcFiles.DROP_CACHES -> dropCaches(value);
            case ProcFiles.SLABINFO -> slabinfoWrite(value);
            case ProcFiles.MEMINFO, ProcFiles.VMSTAT -> Errno.EIO;
            default -> path.startsWith("/proc/") ? writePid(path, value) : null;
        };
    }

    /** A /proc/PID/FILE path: the live task and the file's name. */
    private record PidFile(Task task, String name) { }

    /** The task and file of a /proc/PID/FILE path, or null when there is no such task. */
    private PidFile pidFile(String path) {
        int slash = path.indexOf('/', 6);
        if (slash < 0 || path.indexOf('/', slash + 1) >= 0) {
            return null;
        }
        String pid = path.substring(6, slash);
        if (pid.isEmpty() || pid.length() > 9 || !pid.chars().allMatch(Character::isDigit) || pid.startsWith("0")) {
            return null;
        }
        Task t = tasks.apply(Integer.parseInt(pid));
        return t == null || t.exited() ? null : new PidFile(t, path.substring(slash + 1));
    }

    // kernel: fs/proc/base.c oom_score_adj_read() / proc_oom_score()
    private FileResult readPid(String path) {
        PidFile f = pidFile(path);
        if (f == null) {
            return FileResult.of(Errno.ENOENT);
        }
        return switch (f.name()) {
            case OOM_SCORE_ADJ -> FileResult.text(f.task().oomScoreAdj() + "\n");
            case OOM_SCORE -> FileResult.text(oom.procOomScore(f.task()) + "\n");
            default -> FileResult.of(Errno.ENOENT);
        };
    }

    // kernel: fs/proc/base.c oom_score_adj_write(): at most 12 characters read, then kstrtoint, -1000..1000
    private Errno writePid(String path, String value) {
        PidFile f = pidFile(path);
        if (f == null) {
            return Errno.ENOENT;
        }
        return switch (f.name()) {
            case OOM_SCORE_ADJ -> {
                String buf = value + "\n";
                Memparse.IntValue v = Memparse.kstrtoint(buf.substring(0, Math.min(buf.length(), 12)));
                if (v.errno().isError()) {
                    yield v.errno();
                }
                if (v.value() < OomKiller.OOM_SCORE_ADJ_MIN || v.value() > OomKiller.OOM_SCORE_ADJ_MAX) {
                    yield Errno.EINVAL;
                }
                f.task().setOomScoreAdj(v.value());
                yield Errno.OK;
            }
            case OOM_SCORE -> Errno.EACCES;
            default -> Errno.ENOENT;
        };
    }

    /**
     * "NAME LIMIT BATCHCOUNT SHARED": the first cache of that name in the chain gets the tunables,
     * and with 10/13 every cache of its family (the root and all its per-cgroup caches), whichever
     * member is named. Over 128 bytes, no space, fewer than
     * three numbers or no such cache: EINVAL; values out of range are accepted and change nothing.
     */
    // kernel: mm/slab.c slabinfo_write() (patched by 10/13)
    private Errno slabinfoWrite(String value) {
        String line = value + "\n";
        if (line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 128) {
            return Errno.EINVAL;
        }
        int space = line.indexOf(' ');
        if (space < 0) {
            return Errno.EINVAL;
        }
        String name = line.substring(0, space);
        int[] v = Memparse.scanInts(line.substring(space + 1), 3);
        if (v == null) {
            return Errno.EINVAL;
        }
        for (io.memfleet.kernel.slab.KmemCache c : slab.caches()) {
            if (c.name().equals(name)) {
                if (v[0] >= 1 && v[1] >= 1 && v[1] <= v[0] && v[2] >= 0) {
                    slab.setTunables(c, v[0], v[1], v[2]);
                }
                return Errno.OK;
            }
        }
        return Errno.EINVAL;
    }

    // kernel: fs/drop_caches.c drop_caches_sysctl_handler()
    private Errno dropCaches(String value) {
        Long v = Memparse.u64Value(value);
        if (v == null || v < 1 || v > 3) {
            return Errno.EINVAL;
        }
        if ((v & 1) != 0) {
            memcgPages.dropAllCache(mc.all());
        }
        if ((v & 2) != 0) {
            slab.dropSlab();
        }
        return Errno.OK;
    }
}
