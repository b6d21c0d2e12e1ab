package io.memfleet.kernel.slab;

import java.util.TreeMap;

/** The slab objects one task (or interrupt context) holds: dentries and kmalloc objects by requested size. */
final class TaskObjects {
    final LongList dentries = new LongList();
    final TreeMap<Long, LongList> kmalloc = new TreeMap<>();

    LongList kmallocList(long size) {
        return kmalloc.computeIfAbsent(size, s -> new LongList());
    }
}
