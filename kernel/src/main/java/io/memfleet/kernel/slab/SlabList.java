package io.memfleet.kernel.slab;

/** An intrusive doubly-linked list of slabs (list_head): O(1) add at head or tail and removal. */
final class SlabList {
    private Slab head;
    private Slab tail;
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    Slab first() {
        return head;
    }

    Slab last() {
        return tail;
    }

    // kernel: include/linux/list.h list_add()
    void addHead(Slab s) {
        s.list = this;
        s.prev = null;
        s.next = head;
        if (head != null) {
            head.prev = s;
        } else {
            tail = s;
        }
        head = s;
        size++;
    }

    // kernel: include/linux/list.h list_add_tail()
    void addTail(Slab s) {
        s.list = this;
        s.next = null;
        s.prev = tail;
        if (tail != null) {
            tail.next = s;
        } else {
            head = s;
        }
        tail = s;
        size++;
    }

    // kernel: include/linux/list.h list_del()
    static void del(Slab s) {
        SlabList l = s.list;
        if (l == null) {
            return;
        }
        if (s.prev != null) {
            s.prev.next = s.next;
        } else {
            l.head = s.next;
        }
        if (s.next != null) {
            s.next.prev = s.prev;
        } else {
            l.tail = s.prev;
        }
        s.prev = null;
        s.next = null;
        s.list = null;
        l.size--;
    }

    long inuseSum() {
        long n = 0;
        for (Slab s = head; s != null; s = s.next) {
            n += s.inuse;
        }
        return n;
    }
}
