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
    boolean exited;

    /** Anonymous runs, newest last: unmap takes the newest first. */
    public final List<AnonRun> anon = new ArrayList<>(2);
    /** Page-cache runs this task read, newest last: truncate takes the newest first. */
    public final List<FileRun> files = new ArrayList<>(1);
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

    /** Resident pages mapped by this task (its rss), as get_mm_rss() counts them. */
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

    public long totalVmPages() {
        return rssPages() + swapEntries();
    }

    @Override
    public String toString() {
        return comm;
    }
}
