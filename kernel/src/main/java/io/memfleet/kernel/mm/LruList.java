package io.memfleet.kernel.mm;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An intrusive doubly-linked list in LRU order (oldest first), like the kernel's list_head: O(1)
 * add at the tail, removal of any member, and access to both ends. A scan for members with
 * something to reclaim may keep a cursor: the members before it have nothing ({@link #passed}),
 * until one of them gets something again ({@link #touched}); later scans start there, so a list
 * whose old end is all spent (runs wholly swapped out) is not walked again at every reclaim.
 */
public final class LruList<T extends LruList.Node> implements Iterable<T> {
    /** A member of at most one list. */
    public abstract static class Node {
        Node prev;
        Node next;
        LruList<?> list;
        /** The member's place: ascending from the old end. */
        long order;
    }

    private Node head;
    private Node tail;
    private int size;
    private long headOrder;
    private long tailOrder;
    /**
     * Where a scan starts: every member before it has nothing to reclaim. The head until a scan
     * {@link #passed} one (and again after {@link #addFirst}); null when the list is empty or every
     * member has been passed.
     */
    private Node scanFrom;

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    @SuppressWarnings("unchecked")
    public T peekFirst() {
        return (T) head;
    }

    @SuppressWarnings("unchecked")
    public T peekLast() {
        return (T) tail;
    }

    /** Adds at the old (head) end, like list_add(). */
    public void addFirst(T n) {
        if (n.list != null) {
            n.list.remove(n);
        }
        n.list = this;
        n.order = --headOrder;
        scanFrom = n; // a new oldest member: scans start at it
        n.prev = null;
        n.next = head;
        if (head != null) {
            head.prev = n;
        } else {
            tail = n;
        }
        head = n;
        size++;
    }

    /** Removes a node from whichever list holds it (list_del). */
    public static void unlink(Node n) {
        if (n.list != null) {
            n.list.remove(n);
        }
    }

    /** Adds at the young (tail) end, like list_add_tail(). */
    public void add(T n) {
        if (n.list != null) {
            n.list.remove(n);
        }
        n.list = this;
        n.order = ++tailOrder;
        if (scanFrom == null) { // empty, or every member passed
            scanFrom = n;
        }
        n.next = null;
        n.prev = tail;
        if (tail != null) {
            tail.next = n;
        } else {
            head = n;
        }
        tail = n;
        size++;
    }

    public boolean remove(Node n) {
        if (n.list != this) {
            return false;
        }
        if (scanFrom == n) {
            scanFrom = n.next;
        }
        if (n.prev != null) {
            n.prev.next = n.next;
        } else {
            head = n.next;
        }
        if (n.next != null) {
            n.next.prev = n.prev;
        } else {
            tail = n.prev;
        }
        n.prev = null;
        n.next = null;
        n.list = null;
        size--;
        return true;
    }

    public T pollFirst() {
        T h = peekFirst();
        if (h != null) {
            remove(h);
        }
        return h;
    }

    public void clear() {
        while (head != null) {
            remove(head);
        }
    }

    /** The first member a scan for something to reclaim need look at, or null. */
    @SuppressWarnings("unchecked")
    public T scanStart() {
        return (T) scanFrom;
    }

    /** The member after {@code n}, toward the young end, or null. */
    @SuppressWarnings("unchecked")
    public T next(T n) {
        return (T) n.next;
    }

    /** A scan found nothing to reclaim in {@code n}: when the scans start at it, they start after it now. */
    public void passed(T n) {
        if (n.list == this && n == scanFrom) {
            scanFrom = n.next;
        }
    }

    /** {@code n} has something to reclaim again: scans start at it if they started after it. */
    public void touched(T n) {
        if (n.list == this && (scanFrom == null || n.order < scanFrom.order)) {
            scanFrom = n;
        }
    }

    /** A copy, for loops that move members to other lists. */
    public List<T> toList() {
        List<T> out = new ArrayList<>(size);
        for (T t : this) {
            out.add(t);
        }
        return out;
    }

    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private Node next = head;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                T t = (T) next;
                next = next.next;
                return t;
            }
        };
    }
}
