package io.memfleet.kernel.memcg;

import java.util.ArrayList;
import java.util.List;

/**
 * A simulated task as the memory controller sees it: pid, comm, the CPU it runs on, its memory
 * cgroup, a pending fatal signal, and its anonymous and page-cache runs (its mm's charged pages).
 */
public final class Task {
    private final int pid;
    private final String comm;
    private final int cpu;
    private final long createdSeq;
    private MemCgroup memcg;
    boolean fatalSignalPending;
    /** TIF_MEMDIE: chosen by the OOM killer; its exit uncharges page by page, never batched. */
    public boolean memdie;
    boolean exited;
    /** The task's parent when it was forked by a task of the node (null: a child of init), and its live children. */
    private Task parent;
    private int children;
    /** signal->oom_score_adj, -1000..1000 (OOM_SCORE_ADJ_MIN: never chosen). */
    int oomScoreAdj;
    /** The task's TCP socket, from its first receive until it exits (null: none). */
    Sock sock;

    /** Anonymous runs, newest last: unmap takes the newest first. */
    public final List<AnonRun> anon = new ArrayList<>(2);
    /** Page-cache runs this task read, newest last: truncate takes the newest first. */
    public final List<FileRun> files = new ArrayList<>(1);
    /** Page-cache runs this task has mapped (mmap), newest last: munmap takes the newest first. */
    public final List<FileRun> mmaps = new ArrayList<>(0);
    /** Shared memory runs this task attached, newest last: release takes the newest first. */
    public final List<ShmRun> shm = new ArrayList<>(0);
    public Task(int pid, int cpu, MemCgroup memcg, long createdSeq) {
        this.pid = pid;
        this.comm = "task" + pid;
        this.cpu = cpu;
        this.memcg = memcg;
        this.createdSeq = createdSeq;
    }

    public int pid() {
        return pid;
    }

    public String comm() {
        return comm;
    }

    public int cpu() {
        return cpu;
    }

    public long createdSeq() {
        return createdSeq;
    }

    public MemCgroup memcg() {
        return memcg;
    }

    public void setMemcg(MemCgroup memcg) {
        this.memcg = memcg;
    }

    public boolean fatalSignalPending() {
        return fatalSignalPending;
    }

    public void sendSigkill() {
        fatalSignalPending = true;
    }

    public boolean exited() {
        return exited;
    }

    public void markExited() {
        exited = true;
    }

    public Task parent() {
        return parent;
    }

    /** Makes {@code p} the parent (null: none), keeping both parents' child counts. */
    public void setParent(Task p) {
        if (parent != null) {
            parent.children--;
        }
        parent = p;
        if (p != null) {
            p.children++;
        }
    }

    public boolean hasChildren() {
        return children > 0;
    }

    public int oomScoreAdj() {
        return oomScoreAdj;
    }

    /** Sets oom_score_adj (already range-checked by the caller). */
    public void setOomScoreAdj(int adj) {
        oomScoreAdj = adj;
    }

    /** The legacy oom_adj the kernel derives from oom_score_adj (OOM_DISABLE -17 for -1000, else scaled to -16..15). */
    // kernel: fs/proc/base.c oom_score_adj_write(), its oom_adj scaling
    public int oomAdj() {
        return oomScoreAdj == OomKiller.OOM_SCORE_ADJ_MIN ? -17 : oomScoreAdj * 15 / 1000;
    }

    /** Resident anonymous pages of this task (MM_ANONPAGES; {@link #fileRssPages()} has the rest of its rss). */
    public long rssPages() {
        long n = 0;
        for (AnonRun r : anon) {
            n += r.resident;
        }
        return n;
    }

    public long swapEntries() {
        long n = 0;
        for (AnonRun r : anon) {
            n += r.swapped;
        }
        return n;
    }

    /** Pages charged for the task's TCP socket (0 without one). */
    public long tcpPages() {
        return sock == null ? 0 : sock.pages;
    }

    /** Resident file-backed pages mapped by this task (MM_FILEPAGES): mapped page cache and attached shmem. */
    public long fileRssPages() {
        long n = 0;
        for (FileRun r : mmaps) {
            n += r.mapped;
        }
        for (ShmRun r : shm) {
            n += r.mapped;
        }
        return n;
    }

    /** total_vm: every page of the task's mappings, anonymous (resident or swapped), file and shared memory. */
    public long totalVmPages() {
        long n = rssPages() + swapEntries();
        for (FileRun r : mmaps) {
            n += r.extent;
        }
        for (ShmRun r : shm) {
            n += r.resident + r.swapped;
        }
        return n;
    }

    @Override
    public String toString() {
        return comm;
    }
}
