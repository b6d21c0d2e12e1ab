package io.memfleet.kernel.memcg;

import io.memfleet.kernel.sim.StateReader;
import io.memfleet.kernel.sim.StateWriter;

/**
 * The event machinery's part of a checkpoint, per group in css order: the per-CPU event counters
 * and their targets, the cgroup.event_control registrations, and the group's place on the
 * soft-limit tree and in its soft reclaim walk.
 */
final class NotifyState {
    private static final long MARK = 0x6e6f74L; // "not"

    private NotifyState() {
    }

    static void save(MemController mc, StateWriter w) {
        w.u(MARK);
        w.u(mc.softLimit().seq);
        for (MemCgroup g : mc.all) {
            w.bool(g.events != null);
            if (g.events != null) {
                w.longs(g.events, g.events.length);
            }
            MemcgThresholds.Registry reg = g.notify;
            w.bool(reg != null);
            if (reg != null) {
                for (MemcgThresholds.Ary a : new MemcgThresholds.Ary[] {reg.usage, reg.memsw}) {
                    w.longs(a.entries, a.entries.length);
                    w.s(a.current);
                }
                w.u(reg.oomEventfds);
                w.u(reg.events.size());
                for (MemcgThresholds.Registration e : reg.events) {
                    w.str(e.file());
                    w.s(e.threshold());
                }
            }
            w.bool(g.onSoftTree);
            w.s(g.usageInExcess);
            w.u(g.softTreeSeq);
            w.u(g.softIterPosition);
        }
    }

    static void restore(MemController mc, StateReader r) {
        r.expect(MARK, "notify");
        SoftLimitTree tree = mc.softLimit();
        tree.tree.clear();
        tree.seq = r.u();
        for (MemCgroup g : mc.all) {
            g.events = r.bool() ? r.longs() : null;
            if (g.events != null && g.events.length != 3 * mc.stock().cached.length) {
                throw new StateReader.CorruptStateException("event counters of " + g.events.length + " values");
            }
            g.notify = null;
            if (r.bool()) {
                MemcgThresholds.Registry reg = new MemcgThresholds.Registry();
                for (MemcgThresholds.Ary a : new MemcgThresholds.Ary[] {reg.usage, reg.memsw}) {
                    a.entries = r.longs();
                    a.current = (int) r.s();
                    if (a.current < -1 || a.current >= a.entries.length) {
                        throw new StateReader.CorruptStateException("threshold index " + a.current);
                    }
                }
                reg.oomEventfds = r.i();
                int n = r.i();
                for (int k = 0; k < n; k++) {
                    reg.events.add(new MemcgThresholds.Registration(r.str(), r.s()));
                }
                g.notify = reg;
            }
            g.onSoftTree = r.bool();
            g.usageInExcess = r.s();
            g.softTreeSeq = r.u();
            g.softIterPosition = r.i();
            if (g.onSoftTree) {
                tree.tree.add(g);
            }
        }
    }
}
