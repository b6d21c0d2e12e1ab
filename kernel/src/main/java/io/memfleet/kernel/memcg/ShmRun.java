package io.memfleet.kernel.memcg;

import io.memfleet.kernel.mm.LruList;

/**
 * A run of SysV shared memory pages one task attached and touched while charged to one group:
 * shmem, charged as page cache, on the anonymous LRU (swap-backed: reclaim only writes it to
 * swap). {@link #mapped} of the resident pages are mapped into the attaching task; once that task
 * exits ({@link #owner} null) the segment stays, unmapped and charged, with nobody to release it.
 */
public final class ShmRun extends LruList.Node {
    public Task owner;
    public MemCgroup memcg;
    public long resident;
    public long swapped;
    public long mapped;

    public ShmRun(Task owner, MemCgroup memcg) {
        this.owner = owner;
        this.memcg = memcg;
    }
}
