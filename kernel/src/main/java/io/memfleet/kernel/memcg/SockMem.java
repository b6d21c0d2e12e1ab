package io.memfleet.kernel.memcg;

import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.mm.PhysMem;

/**
 * TCP socket memory accounting of 3.3 (net/core/sock.c, include/net/sock.h,
 * net/ipv4/tcp_memcontrol.c): the node's tcp_memory_allocated and tcp_mem thresholds, the
 * memcg_socket_limit_enabled key (how many groups have a tcp limit), and each task's socket.
 * A socket is tied to its task's group when it is created, and only while some group has a limit;
 * its charges go to that group's tcp counter (forced past the limit, then undone when refused)
 * and always to the node's total. A {@code tcp PID +SIZE} is one receive of SIZE bytes.
 */
public final class SockMem {
    private static final long PAGE = PhysMem.PAGE_SIZE;
    /** sysctl_tcp_rmem[0]: the receive buffer every socket is guaranteed under pressure (SK_MEM_QUANTUM). */
    private static final long SYSCTL_TCP_RMEM_MIN = PAGE;

    long memoryAllocated;
    final long[] sysctlTcpMem = new long[3];
    int limitEnabled;
    boolean memoryPressure;
    long socketsAllocated;

    // kernel: net/ipv4/tcp.c tcp_init_mem(), nr_free_buffer_pages() taken as the node's pages at boot
    public SockMem(long ramPages) {
        long limit = Math.max(ramPages / 8, 128);
        sysctlTcpMem[0] = limit / 4 * 3;
        sysctlTcpMem[1] = limit;
        sysctlTcpMem[2] = sysctlTcpMem[0] * 2;
    }

    public long memoryAllocatedBytes() {
        return memoryAllocated * PAGE;
    }

    /** Gives a new non-root group its tcp counter, chained to a non-root hierarchical parent's. */
    // kernel: net/ipv4/tcp_memcontrol.c tcp_init_cgroup()
    void initCgroup(MemCgroup g) {
        MemCgroup p = g.parent();
        boolean chained = p.useHierarchy() && !p.isRoot();
        g.tcp = new TcpMemcontrol(chained ? p.tcp : null, sysctlTcpMem);
    }

    // kernel: net/ipv4/tcp_memcontrol.c tcp_destroy_cgroup(): the counter is not uncharged
    void destroyCgroup(MemCgroup g) {
        if (g.tcp.memoryAllocated.limit() != ResCounter.RESOURCE_MAX) {
            limitEnabled--;
        }
    }

    // kernel: net/ipv4/tcp_memcontrol.c tcp_update_limit()
    public Errno updateLimit(MemCgroup g, long val) {
        if (g.isRoot()) {
            return Errno.EINVAL;
        }
        if (val < 0) {
            val = ResCounter.RESOURCE_MAX; // above RESOURCE_MAX as an unsigned value
        }
        TcpMemcontrol tcp = g.tcp;
        long oldLimit = tcp.memoryAllocated.limit();
        if (!tcp.memoryAllocated.setLimit(val)) {
            return Errno.EBUSY;
        }
        for (int i = 0; i < 3; i++) {
            tcp.protMem[i] = Math.min(val >>> PhysMem.PAGE_SHIFT, sysctlTcpMem[i]);
        }
        if (val == ResCounter.RESOURCE_MAX && oldLimit != ResCounter.RESOURCE_MAX) {
            limitEnabled--;
        } else if (oldLimit == ResCounter.RESOURCE_MAX && val != ResCounter.RESOURCE_MAX) {
            limitEnabled++;
        }
        return Errno.OK;
    }

    private boolean accounted(Sock sk) {
        return limitEnabled > 0 && sk.cg != null;
    }

    // kernel: net/ipv4/tcp_ipv4.c tcp_v4_init_sock() -> sock_update_memcg(), sk_sockets_allocated_inc()
    private Sock open(Task t) {
        Sock sk = new Sock(limitEnabled > 0 && !t.memcg().isRoot() ? t.memcg().tcp : null);
        socketsAllocated++;
        if (sk.cg != null) {
            for (TcpMemcontrol cg = sk.cg; cg != null; cg = cg.parent) {
                cg.socketsAllocated++;
            }
        }
        t.sock = sk;
        return sk;
    }

    /** Receives {@code bytes} into the task's socket (created on first use); false when refused. */
    // kernel: include/net/sock.h sk_rmem_schedule() -> net/core/sock.c __sk_mem_schedule(SK_MEM_RECV)
    public boolean receive(Task t, long bytes) {
        Sock sk = t.sock != null ? t.sock : open(t);
        long forward = sk.pages * PAGE - sk.rmemAlloc;
        if (bytes > forward && !schedule(sk, (bytes + PAGE - 1) >>> PhysMem.PAGE_SHIFT)) {
            return false;
        }
        sk.rmemAlloc += bytes;
        return true;
    }

    // kernel: net/core/sock.c __sk_mem_schedule()
    private boolean schedule(Sock sk, long amt) {
        sk.pages += amt;
        boolean overLimit = false;
        long allocated;
        long[] limits;
        if (accounted(sk)) {
            overLimit = sk.cg.memoryAllocated.chargeNofail(amt * PAGE);
            memoryAllocated += amt;
            allocated = sk.cg.memoryAllocated.usage() / PAGE;
            limits = sk.cg.protMem;
        } else {
            memoryAllocated += amt;
            allocated = memoryAllocated;
            limits = sysctlTcpMem;
        }
        if (!overLimit && allocated <= limits[0]) {
            leaveMemoryPressure(sk);
            return true;
        }
        if (overLimit || allocated > limits[1]) {
            enterMemoryPressure(sk);
        }
        if (!overLimit && allocated <= limits[2]) {
            if (sk.rmemAlloc < SYSCTL_TCP_RMEM_MIN) {
                return true; // the minimum buffer is guaranteed under pressure
            }
            if (!underMemoryPressure(sk)) {
                return true;
            }
            long sockets = accounted(sk) ? sk.cg.socketsAllocated : socketsAllocated;
            if (limits[2] > sockets * sk.pages) {
                return true;
            }
        }
        sk.pages -= amt; // suppress_allocation: the charge is undone
        memoryAllocatedSub(sk, amt);
        return false;
    }

    // kernel: include/net/sock.h sk_memory_allocated_sub()
    private void memoryAllocatedSub(Sock sk, long amt) {
        if (accounted(sk)) {
            sk.cg.memoryAllocated.uncharge(amt * PAGE);
        }
        memoryAllocated -= amt;
    }

    // kernel: include/net/sock.h sk_enter_memory_pressure() with memcg_tcp_enter_memory_pressure()
    private void enterMemoryPressure(Sock sk) {
        if (accounted(sk)) {
            sk.cg.memoryPressure = true;
        }
        memoryPressure = true;
    }

    // kernel: include/net/sock.h sk_leave_memory_pressure()
    private void leaveMemoryPressure(Sock sk) {
        memoryPressure = false;
        if (accounted(sk)) {
            for (TcpMemcontrol cg = sk.cg; cg != null; cg = cg.parent) {
                cg.memoryPressure = false;
            }
        }
    }

    private boolean underMemoryPressure(Sock sk) {
        return accounted(sk) ? sk.cg.memoryPressure : memoryPressure;
    }

    /** The task reads {@code bytes} out of its socket; whole free pages go back (sk_mem_reclaim). */
    // kernel: include/net/sock.h sk_mem_uncharge() then net/core/sock.c __sk_mem_reclaim()
    public void consume(Task t, long bytes) {
        Sock sk = t.sock;
        if (sk == null) {
            return;
        }
        sk.rmemAlloc -= Math.min(bytes, sk.rmemAlloc);
        long keep = (sk.rmemAlloc + PAGE - 1) >>> PhysMem.PAGE_SHIFT;
        if (sk.pages > keep) {
            memoryAllocatedSub(sk, sk.pages - keep);
            sk.pages = keep;
        }
    }

    /** The task's socket closes when it exits: its memory goes back and it leaves the counts. */
    // kernel: net/ipv4/tcp.c tcp_close() -> sk_mem_reclaim(), tcp_v4_destroy_sock() -> sock_release_memcg()
    public void close(Task t) {
        Sock sk = t.sock;
        if (sk == null) {
            return;
        }
        consume(t, sk.rmemAlloc);
        socketsAllocated--;
        if (accounted(sk)) {
            for (TcpMemcontrol cg = sk.cg; cg != null; cg = cg.parent) {
                cg.socketsAllocated--;
            }
        }
        t.sock = null;
    }
}
