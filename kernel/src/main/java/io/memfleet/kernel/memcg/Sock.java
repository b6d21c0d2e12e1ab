package io.memfleet.kernel.memcg;

/**
 * A task's TCP socket as the memory accounting sees it: the group it was associated with when it
 * was created (sk_cgrp; null when no group had a tcp limit then, or in the root), the bytes its
 * queues hold (sk_rmem_alloc) and the pages charged for them (those bytes plus sk_forward_alloc).
 */
public final class Sock {
    final TcpMemcontrol cg;
    long rmemAlloc;
    long pages;

    Sock(TcpMemcontrol cg) {
        this.cg = cg;
    }
}
