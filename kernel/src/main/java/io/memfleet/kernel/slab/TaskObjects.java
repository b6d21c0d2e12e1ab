package io.memfleet.kernel.slab;

import io.memfleet.kernel.sim.StateReader;
import io.memfleet.kernel.sim.StateWriter;
import java.util.Map;
import java.util.TreeMap;

/** The slab objects one task (or interrupt context) holds: dentries and kmalloc objects by requested size. */
final class TaskObjects {
    final HandleList dentries = new HandleList();
    final TreeMap<Long, HandleList> kmalloc = new TreeMap<>();

    HandleList kmallocList(long size) {
        return kmalloc.computeIfAbsent(size, s -> new HandleList());
    }

    /** Its part of a checkpoint: the dentries, then each kmalloc size with its objects. */
    void save(StateWriter w) {
        dentries.save(w);
        w.u(kmalloc.size());
        for (Map.Entry<Long, HandleList> e : kmalloc.entrySet()) {
            w.u(e.getKey());
            e.getValue().save(w);
        }
    }

    void restore(StateReader r) {
        dentries.restore(r);
        kmalloc.clear();
        int sizes = r.i();
        for (int k = 0; k < sizes; k++) {
            kmallocList(r.u()).restore(r);
        }
    }
}
