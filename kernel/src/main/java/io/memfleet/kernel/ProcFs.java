package io.memfleet.kernel;

import io.memfleet.kernel.fs.FileResult;
import io.memfleet.kernel.fs.Memparse;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.StatItem;
import io.memfleet.kernel.mm.PhysMem;
import io.memfleet.kernel.slab.SlabLayer;

/** /proc/meminfo, /proc/slabinfo and /proc/sys/vm/drop_caches. Other paths are not handled here. */
final class ProcFs {
    static final String MEMINFO = "/proc/meminfo";
    static final String SLABINFO = "/proc/slabinfo";
    static final String DROP_CACHES = "/proc/sys/vm/drop_caches";

    private final PhysMem mem;
    private final MemController mc;
    private final SlabLayer slab;

    ProcFs(PhysMem mem, MemController mc, SlabLayer slab) {
        this.mem = mem;
        this.mc = mc;
        this.slab = slab;
    }

    /** The file's contents, or null when the path is not a /proc file. */
    FileResult read(String path) {
        return switch (path) {
            case MEMINFO -> FileResult.text(meminfo());
            case SLABINFO -> FileResult.text(slab.procSlabinfo());
            case DROP_CACHES -> FileResult.of(Errno.EACCES);
            default -> path.startsWith("/proc/") ? FileResult.of(Errno.ENOENT) : null;
        };
    }

    /** The write's errno, or null when the path is not a /proc file. */
    Errno write(String path, String value) {
        return switch (path) {
            case DROP_CACHES -> dropCaches(value);
            case MEMINFO, SLABINFO -> Errno.EIO;
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

    private static void line(StringBuilder sb, String label, long pages) {
        String v = Long.toString(pages * PhysMem.PAGE_SIZE >> 10);
        sb.append(label);
        for (int i = label.length() + v.length(); i < 24; i++) {
            sb.append(' ');
        }
        sb.append(v).append(" kB\n");
    }

    // kernel: fs/proc/meminfo.c meminfo_proc_show()
    private String meminfo() {
        long anon = 0;
        long activeAnon = 0;
        long unevictable = 0;
        for (MemCgroup g : mc.all()) {
            activeAnon += g.stat(StatItem.ACTIVE_ANON);
            unevictable += g.stat(StatItem.UNEVICTABLE);
            anon += g.stat(StatItem.RSS);
        }
        long cached = mem.cachePages();
        long sRecl = mem.slabReclaimablePages();
        long sUnrecl = mem.slabUnreclaimablePages();
        StringBuilder sb = new StringBuilder(512);
        line(sb, "MemTotal:", mem.totalPages());
        line(sb, "MemFree:", mem.freePages());
        line(sb, "Buffers:", 0);
        line(sb, "Cached:", cached);
        line(sb, "SwapCached:", 0);
        line(sb, "Active:", activeAnon);
        line(sb, "Inactive:", cached);
        line(sb, "Active(anon):", activeAnon);
        line(sb, "Inactive(anon):", 0);
        line(sb, "Active(file):", 0);
        line(sb, "Inactive(file):", cached);
        line(sb, "Unevictable:", unevictable);
        line(sb, "Mlocked:", mem.lockedPages());
        line(sb, "SwapTotal:", mem.swapPages());
        line(sb, "SwapFree:", mem.swapFree());
        line(sb, "Dirty:", 0);
        line(sb, "Writeback:", 0);
        line(sb, "AnonPages:", anon);
        line(sb, "Mapped:", 0);
        line(sb, "Shmem:", 0);
        line(sb, "Slab:", sRecl + sUnrecl);
        line(sb, "SReclaimable:", sRecl);
        line(sb, "SUnreclaim:", sUnrecl);
        return sb.toString();
    }
}
