package io.memfleet.kernel.memcg;

import io.memfleet.kernel.mm.LruList;


/**
 * A run of clean page-cache pages read by one task and charged to one memory cgroup. Page cache
 * outlives the task that read it ({@link #owner} is null once that task has exited); {@link #seq}
 * (renewed when the run grows) orders runs globally for node-wide LRU reclaim.
 */
public final class FileRun extends LruList.Node {
    public Task owner;
    public MemCgroup memcg;
    public long pages;
    /** Pages of the run mapped into its owner (mmap), at most {@link #pages}. */
    public long mapped;
    /** The owner's mapping of the run (its vma's pages, mapped or reclaimed since): only munmap shrinks it. */
    public long extent;
    /** A run of a file its owner maps (on the owner's {@code mmaps}), not one it read (on {@code files}). */
    public boolean mapping;
    public long seq;

    public FileRun(Task owner, MemCgroup memcg, long seq) {
        this.owner = owner;
        this.memcg = memcg;
        this.seq = seq;
    }
}
