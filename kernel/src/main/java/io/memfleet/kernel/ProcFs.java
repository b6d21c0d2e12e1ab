package io.memfleet.kernel;

import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.fs.FileResult;
import io.memfleet.kernel.fs.Memparse;
import io.memfleet.kernel.fs.ProcFiles;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.slab.SlabLayer;

/** /proc/meminfo, /proc/slabinfo and /proc/sys/vm/drop_caches. Other paths are not handled here. */
final class ProcFs {
    private final MemController mc;
    private final SlabLayer slab;
    private final ImageBuilder images;

    ProcFs(MemController mc, SlabLayer slab, ImageBuilder images) {
        this.mc = mc;
        this.slab = slab;
        this.images = images;
    }

    /** The file's contents, or null when the path is not a /proc file. */
    FileResult read(String path) {
        return switch (path) {
            case ProcFiles.MEMINFO -> FileResult.text(ProcFiles.meminfo(images.meminfo()));
            case ProcFiles.SLABINFO -> FileResult.text(ProcFiles.slabinfo(images.caches()));
            case ProcFiles.DROP_CACHES -> FileResult.of(Errno.EACCES);
            default -> path.startsWith("/proc/") ? FileResult.of(Errno.ENOENT) : null;
        };
    }

    /** The write's errno, or null when the path is not a /proc file. */
    Errno write(String path, String value) {
        return switch (path) {
            case ProcFiles.DROP_CACHES -> dropCaches(value);
            case ProcFiles.MEMINFO, ProcFiles.SLABINFO -> Errno.EIO;
            default -> path.startsWith("/proc/") ? Errno.ENOENT : null;
        };
    }

    // kernel: fs/drop_caches.c drop_caches_sysctl_handler()
    private Errno dropCaches(String value) {
        Long v = Memparse.u64Value(value);
        if (v == null || v < 1 || v > 3) {
            return Errno.EINVAL;
        }
        if ((v & 1) != 0) {
            mc.pages().dropAllCache(mc.all());
        }
        if ((v & 2) != 0) {
            slab.dropSlab();
        }
        return Errno.OK;
    }
}
