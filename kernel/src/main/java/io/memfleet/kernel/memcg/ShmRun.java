package io.memfleet.kernel.memcg;

import io.memfleet.kernel.mm.LruList;

/**
 * A run of SysV shared memory pages one task attached and touched while charged to one group:
 * shmem, charged as page cache, on the anonymous LRU (swap-backed: reclaim only writes it to
 * swap). {@link #mapped} of the resident pages are mapped into the attaching task; once that task
 * exits ({@link #owner} null) the segment stays, unmapped and charged, until a release names the
 * {@link #creator}'s pid; {@link #seq} orders runs by creation.
 */
public final class ShmRun extends LruList.Node {
    public final int creator;
    public final long seq;
    public Task owner;
    public MemCgroup memcg;
    /** Pages in memory; once the run is on its group's LRU they grow only through {@link #addResident}. */
    public long resident;
    public long swapped;
    public long mapped;

    public ShmRun(Task owner, int creator, long seq, MemCgroup memcg) {
        this.owner = owner;
        this.creator = creator;
        this.seq = seq;
        this.memcg = memcg;
    }

    /** {@code k} more pages in memory: the group's swap-out scans look at the run again ({@link LruList#touched}). */
    void addResident(long k) {
        resident += k;
        memcg.shmRuns.touched(this);
    }
}
