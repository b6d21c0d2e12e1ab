package io.memfleet.kernel.mm;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An intrusive doubly-linked list in LRU order (oldest first), like the kernel's list_head: O(1)
 * add at the tail, removal of any member, and access to both ends.
 */
public final class LruList<T extends LruList.Node> implements Iterable<T> {
    /** A member of at most one list. */
    public abstract static class Node {
        Node prev;
        Node next;
        LruList<?> list;
    }

    private Node head;
    private Node tail;
    private int size;

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
