package io.memfleet.kernel.mm;

import io.memfleet.kernel.memcg.MemCgroup;

/**
 * A run of clean page-cache pages read by one task and charged to one memory cgroup. Page cache
 * outlives the task that read it; {@link #seq} (renewed when the run grows) orders runs globally
 * for node-wide LRU reclaim.
 */
public final class FileRun extends LruList.Node {
    public final Task owner;
    public MemCgroup memcg;
    public long pages;
    public long seq;

    public FileRun(Task owner, MemCgroup memcg, long seq) {
        this.owner = owner;
        this.memcg = memcg;
        this.seq = seq;
    }
}
