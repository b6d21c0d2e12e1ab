package io.memfleet.kernel.slab;

import java.util.Arrays;

/** A growable list of object handles, used as a stack. */
final class LongList {
    private long[] a = new long[4];
    private int size;

    void push(long v) {
        if (size == a.length) {
            a = Arrays.copyOf(a, size * 2);
        }
        a[size++] = v;
    }

    long pop() {
        return a[--size];
    }

    /** Removes and returns the oldest element (used for LRU order). */
    long pollFirst() {
        long v = a[0];
        System.arraycopy(a, 1, a, 0, --size);
        return v;
    }

    int size() {
        return size;
    }

    long get(int i) {
        return a[i];
    }

    boolean isEmpty() {
        return size == 0;
    }

    void addAll(LongList other) {
        for (int i = 0; i < other.size; i++) {
            push(other.a[i]);
        }
    }

    void clear() {
        size = 0;
    }
}
