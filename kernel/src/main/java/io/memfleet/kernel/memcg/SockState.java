package io.memfleet.kernel.memcg;

import io.memfleet.kernel.sim.StateReader;
import io.memfleet.kernel.sim.StateWriter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TCP accounting's part of a checkpoint: the node's totals, every live group's tcp counter,
 * the counters of removed groups that sockets still hold (a dead group's counter lives as long as
 * its sockets), and each task's socket. A counter is referred to as 0 (none), a live group's css
 * id, or minus one plus its index among the dead ones, which are written parents first.
 */
final class SockState {
    private static final long MARK = 0x736f636bL; // "sock"

    private SockState() {
    }

    static void save(MemController mc, TaskTable tasks, StateWriter w) {
        SockMem sm = mc.sockMem();
        w.u(MARK);
        w.u(sm.memoryAllocated);
        w.u(sm.limitEnabled);
        w.bool(sm.memoryPressure);
        w.u(sm.socketsAllocated);
        Map<TcpMemcontrol, Integer> liveIds = new IdentityHashMap<>();
        for (MemCgroup g : mc.all) {
            if (!g.isRoot()) {
                liveIds.put(g.tcp, g.id());
            }
        }
        List<TcpMemcontrol> dead = new ArrayList<>();
        Map<TcpMemcontrol, Integer> deadIndex = new IdentityHashMap<>();
        for (Task t : tasks.all()) {
            if (t.sock != null) {
                collectDead(t.sock.cg, liveIds, dead, deadIndex);
            }
        }
        for (MemCgroup g : mc.all) {
            if (!g.isRoot()) {
                saveTcp(g.tcp, w);
            }
        }
        w.u(dead.size());
        for (TcpMemcontrol cg : dead) {
            w.s(ref(cg.parent, liveIds, deadIndex));
            saveTcp(cg, w);
        }
        for (Task t : tasks.all()) {
            w.bool(t.sock != null);
            if (t.sock != null) {
                w.s(ref(t.sock.cg, liveIds, deadIndex));
                w.u(t.sock.rmemAlloc);
                w.u(t.sock.pages);
            }
        }
    }

    private static void collectDead(TcpMemcontrol cg, Map<TcpMemcontrol, Integer> live, List<TcpMemcontrol> dead,
                                    Map<TcpMemcontrol, Integer> index) {
        if (cg == null || live.containsKey(cg) || index.containsKey(cg)) {
            return;
        }
        collectDead(cg.parent, live, dead, index);
        index.put(cg, dead.size());
        dead.add(cg);
    }

    private static long ref(TcpMemcontrol cg, Map<TcpMemcontrol, Integer> live, Map<TcpMemcontrol, Integer> dead) {
        if (cg == null) {
            return 0;
        }
        Integer id = live.get(cg);
        return id != null ? id : -1 - dead.get(cg);
    }

    private static void saveTcp(TcpMemcontrol cg, StateWriter w) {
        ResCounter c = cg.memoryAllocated;
        w.s(c.usage);
        w.s(c.maxUsage);
        w.s(c.limit);
        w.u(c.failcnt);
        w.longs(cg.protMem, cg.protMem.length);
        w.bool(cg.memoryPressure);
        w.u(cg.socketsAllocated);
    }

    private static void restoreTcp(TcpMemcontrol cg, StateReader r) {
        ResCounter c = cg.memoryAllocated;
        c.usage = r.s();
        c.maxUsage = r.s();
        c.limit = r.s();
        c.failcnt = r.u();
        long[] prot = r.longs();
        if (prot.length != cg.protMem.length) {
            throw new StateReader.CorruptStateException("tcp_prot_mem of " + prot.length + " values");
        }
        System.arraycopy(prot, 0, cg.protMem, 0, prot.length);
        cg.memoryPressure = r.bool();
        cg.socketsAllocated = r.u();
    }

    static void restore(MemController mc, TaskTable tasks, StateReader r) {
        SockMem sm = mc.sockMem();
        r.expect(MARK, "sock");
        sm.memoryAllocated = r.u();
        sm.limitEnabled = r.i();
        sm.memoryPressure = r.bool();
        sm.socketsAllocated = r.u();
        Map<Integer, TcpMemcontrol> live = new java.util.HashMap<>();
        for (MemCgroup g : mc.all) {
            if (!g.isRoot()) {
                sm.initCgroup(g);
                restoreTcp(g.tcp, r);
                live.put(g.id(), g.tcp);
            }
        }
        int n = r.i();
        List<TcpMemcontrol> dead = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            TcpMemcontrol parent = resolve(r.s(), live, dead);
            TcpMemcontrol cg = new TcpMemcontrol(parent, sm.sysctlTcpMem);
            restoreTcp(cg, r);
            dead.add(cg);
        }
        for (Task t : tasks.all()) {
            if (r.bool()) {
                Sock sk = new Sock(resolve(r.s(), live, dead));
                sk.rmemAlloc = r.u();
                sk.pages = r.u();
                t.sock = sk;
            }
        }
    }

    private static TcpMemcontrol resolve(long ref, Map<Integer, TcpMemcontrol> live, List<TcpMemcontrol> dead) {
        if (ref == 0) {
            return null;
        }
        TcpMemcontrol cg = ref > 0 ? live.get((int) ref) : -ref - 1 < dead.size() ? dead.get((int) (-ref - 1)) : null;
        if (cg == null) {
            throw new StateReader.CorruptStateException("no tcp counter " + ref);
        }
        return cg;
    }
}
