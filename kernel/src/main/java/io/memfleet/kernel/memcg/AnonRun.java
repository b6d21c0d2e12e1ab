package io.memfleet.kernel.memcg;

import io.memfleet.kernel.mm.LruList;

/**
 * A run of anonymous pages that one task faulted in one after another while charged to one memory
 * cgroup: the simulator's stand-in for those pages' page_cgroup records. Some of the run may be
 * swapped out; locked (mlocked) runs are unevictable and never swapped.
 */
public final class AnonRun extends LruList.Node {
    public final Task owner;
    public MemCgroup memcg;
    public final boolean locked;
    /** Pages in memory; once the run is on its group's LRU they grow only through {@link #addResident}. */
    public long resident;
    public long swapped;

    public AnonRun(Task owner, MemCgroup memcg, boolean locked) {
        this.owner = owner;
        this.memcg = memcg;
        this.locked = locked;
    }

    /** {@code k} more pages in memory: the group's swap-out scans look at the run again ({@link LruList#touched}). */
    void addResident(long k) {
        resident += k;
        memcg.anonRuns.touched(this);
    }

    public boolean isEmpty() {
        return resident == 0 && swapped == 0;
    }
}
