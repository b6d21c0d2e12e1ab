package io.memfleet.kernel.slab;

import java.util.Arrays;

/** A growable list of object handles, used as a stack (and, for unused dentries, drained oldest first). */
final class HandleList {
    private int[] a = new int[4];
    private int size;

    void push(int h) {
        if (size == a.length) {
            a = Arrays.copyOf(a, size * 2);
        }
        a[size++] = h;
    }

    int pop() {
        return a[--size];
    }

    /** Removes and returns the oldest element (used for LRU order). */
    int pollFirst() {
        int h = a[0];
        System.arraycopy(a, 1, a, 0, --size);
        return h;
    }

    int size() {
        return size;
    }

    int get(int i) {
        return a[i];
    }

    boolean isEmpty() {
        return size == 0;
    }

    void addAll(HandleList other) {
        for (int i = 0; i < other.size; i++) {
            push(other.a[i]);
        }
    }

    void clear() {
        size = 0;
    }
}
