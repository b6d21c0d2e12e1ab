package io.memfleet.kernel.memcg;

/**
 * struct tcp_memcontrol of 3.3 (net/ipv4/tcp_memcontrol.c): a non-root group's TCP socket
 * memory counter, its three pressure thresholds (tcp_prot_mem, pages), its pressure flag and its
 * socket count. The counter is chained to the parent's only below a non-root parent with
 * use_hierarchy, as parent_mem_cgroup() finds it; it is never part of memory.usage_in_bytes.
 */
public final class TcpMemcontrol {
    final TcpMemcontrol parent;
    final ResCounter memoryAllocated;
    final long[] protMem = new long[3];
    boolean memoryPressure;
    long socketsAllocated;

    // kernel: net/ipv4/tcp_memcontrol.c tcp_init_cgroup()
    TcpMemcontrol(TcpMemcontrol parent, long[] sysctlTcpMem) {
        this.parent = parent;
        this.memoryAllocated = new ResCounter(parent == null ? null : parent.memoryAllocated);
        System.arraycopy(sysctlTcpMem, 0, protMem, 0, protMem.length);
    }
}
