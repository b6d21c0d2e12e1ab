package io.memfleet.kernel.fs;

import io.memfleet.kernel.image.CacheImage;
import io.memfleet.kernel.image.MemInfoImage;
import java.util.List;

/** The /proc files the simulator shows, rendered from images: /proc/meminfo and /proc/slabinfo. */
public final class ProcFiles {
    public static final String MEMINFO = "/proc/meminfo";
    public static final String SLABINFO = "/proc/slabinfo";
    public static final String VMSTAT = "/proc/vmstat";
    public static final String DROP_CACHES = "/proc/sys/vm/drop_caches";

    private ProcFiles() {
    }

    /** A meminfo line: the label padded to 16 columns, then "%8lu kB" (wider values push right). */
    private static void line(StringBuilder sb, String label, long pages) {
        String v = Long.toString(MemInfoImage.kb(pages));
        sb.append(label);
        for (int i = label.length(); i < 16; i++) {
            sb.append(' ');
        }
        for (int i = v.length(); i < 8; i++) {
            sb.append(' ');
        }
        sb.append(v).append(" kB\n");
    }

    /** /proc/vmstat: the counters SIM-SCRIPT 1.1 names, in 3.3's order (mm/vmstat.c vmstat_text), "%s %lu". */
    // kernel: mm/vmstat.c vmstat_show()
    public static String vmstat(MemInfoImage m, long[] events) {
        StringBuilder sb = new StringBuilder(512);
        String[] names = {"nr_free_pages", "nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file",
            "nr_unevictable", "nr_mlock", "nr_anon_pages", "nr_mapped", "nr_file_pages", "nr_slab_reclaimable",
            "nr_slab_unreclaimable", "nr_shmem", "pgpgin", "pgpgout", "pswpin", "pswpout", "pgfault", "pgmajfault"};
        // the model's LRU does not age: anonymous pages are active, page cache and shmem inactive (kernel/DESIGN.md)
        long[] values = {m.freePages(), m.shmemPages(), m.activeAnonPages(), m.cachedPages() - m.shmemPages(), 0,
            m.unevictablePages(), m.mlockedPages(), m.anonPages(), m.mappedPages(), m.cachedPages(),
            m.slabReclaimablePages(), m.slabUnreclaimablePages(), m.shmemPages(),
            events[0], events[1], events[2], events[3], events[4], events[5]};
        for (int i = 0; i < names.length; i++) {
            sb.append(names[i]).append(' ').append(values[i]).append('\n');
        }
        return sb.toString();
    }

    /** /proc/meminfo up to SUnreclaim (the lines the model has; KernelStack and later are not modelled). */
    // kernel: fs/proc/meminfo.c meminfo_proc_show()
    public static String meminfo(MemInfoImage m) {
        StringBuilder sb = new StringBuilder(512);
        line(sb, "MemTotal:", m.totalPages());
        line(sb, "MemFree:", m.freePages());
        line(sb, "Buffers:", 0);
        line(sb, "Cached:", m.cachedPages());
        line(sb, "SwapCached:", 0);
        line(sb, "Active:", m.activeAnonPages());
        line(sb, "Inactive:", m.cachedPages());
        line(sb, "Active(anon):", m.activeAnonPages());
        line(sb, "Inactive(anon):", m.shmemPages());
        line(sb, "Active(file):", 0);
        line(sb, "Inactive(file):", m.cachedPages() - m.shmemPages());
        line(sb, "Unevictable:", m.unevictablePages());
        line(sb, "Mlocked:", m.mlockedPages());
        line(sb, "SwapTotal:", m.swapTotalPages());
        line(sb, "SwapFree:", m.swapFreePages());
        line(sb, "Dirty:", 0);
        line(sb, "Writeback:", 0);
        line(sb, "AnonPages:", m.anonPages());
        line(sb, "Mapped:", m.mappedPages());
        line(sb, "Shmem:", m.shmemPages());
        line(sb, "Slab:", m.slabReclaimablePages() + m.slabUnreclaimablePages());
        line(sb, "SReclaimable:", m.slabReclaimablePages());
        line(sb, "SUnreclaim:", m.slabUnreclaimablePages());
        return sb.toString();
    }

    // kernel: mm/slab.c s_show() / print_slabinfo_header()
    public static String slabinfo(List<CacheImage> caches) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("slabinfo - version: 2.1\n");
        sb.append("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
                + " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
        for (CacheImage c : caches) {
            left(sb, c.name(), 17);
            right(sb.append(' '), c.activeObjs(), 6);
            right(sb.append(' '), c.numObjs(), 6);
            right(sb.append(' '), c.objsize(), 6);
            right(sb.append(' '), c.objperslab(), 4);
            right(sb.append(' '), c.pagesperslab(), 4);
            right(sb.append(" : tunables "), c.limit(), 4);
            right(sb.append(' '), c.batchcount(), 4);
            right(sb.append(' '), c.shared(), 4);
            right(sb.append(" : slabdata "), c.activeSlabs(), 6);
            right(sb.append(' '), c.numSlabs(), 6);
            right(sb.append(' '), c.sharedAvail(), 6);
            sb.append('\n');
        }
        return sb.toString();
    }

    /** {@code %-Ns}: the text, padded with spaces to {@code width}. */
    static void left(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
    }

    /** {@code %Nd}: the number, right-aligned in {@code width}. */
    static void right(StringBuilder sb, long v, int width) {
        String s = Long.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        sb.append(s);
    }
}
