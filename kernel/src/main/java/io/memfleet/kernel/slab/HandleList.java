package io.memfleet.kernel.slab;

import java.util.Arrays;

/**
 * A growable list of object handles, used as a stack (and, for unused dentries, drained oldest
 * first): elements live in {@code a[head, end)}, so taking the oldest is constant time; the dead
 * space before {@code head} is reclaimed when the array would otherwise grow.
 */
final class HandleList {
    private int[] a = new int[4];
    private int head;
    private int end;

    void push(int h) {
        if (end == a.length) {
            if (head > 0) {
                System.arraycopy(a, head, a, 0, end - head);
                end -= head;
                head = 0;
            }
            if (end == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
        }
        a[end++] = h;
    }

    int pop() {
        int h = a[--end];
        if (end == head) {
            head = end = 0;
        }
        return h;
    }

    /** Removes and returns the oldest element (used for LRU order). */
    int pollFirst() {
        int h = a[head++];
        if (head == end) {
            head = end = 0;
        }
        return h;
    }

    int size() {
        return end - head;
    }

    int get(int i) {
        return a[head + i];
    }

    boolean isEmpty() {
        return end == head;
    }

    void addAll(HandleList other) {
        for (int i = other.head; i < other.end; i++) {
            push(other.a[i]);
        }
    }

    void clear() {
        head = end = 0;
    }

    /** Its part of a checkpoint: the handles, oldest first. */
    void save(io.memfleet.kernel.sim.StateWriter w) {
        w.u(size());
        for (int i = 0; i < size(); i++) {
            w.u(get(i));
        }
    }

    void restore(io.memfleet.kernel.sim.StateReader r) {
        clear();
        int n = r.i();
        for (int k = 0; k < n; k++) {
            push((int) r.u());
        }
    }
}
