package io.memfleet.kernel.slab;

import java.util.TreeMap;

/** The slab objects one task (or interrupt context) holds: dentries and kmalloc objects by requested size. */
final class TaskObjects {
    final HandleList dentries = new HandleList();
    final TreeMap<Long, HandleList> kmalloc = new TreeMap<>();

    HandleList kmallocList(long size) {
        return kmalloc.computeIfAbsent(size, s -> new HandleList());
    }
}
