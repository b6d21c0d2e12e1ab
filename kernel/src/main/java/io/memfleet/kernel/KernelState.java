package io.memfleet.kernel;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.KernelEvent;
import io.memfleet.kernel.memcg.MemcgState;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.sim.StateReader;
import io.memfleet.kernel.sim.StateWriter;
import io.memfleet.kernel.slab.SlabState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A kernel checkpoint: everything that decides what the node does next, as bytes. Restoring it
 * boots a fresh kernel of the same shape and options and puts that state back, so the restored
 * node answers every later command exactly as the original would have. The format is versioned;
 * a checkpoint of another version is refused rather than misread.
 */
final class KernelState {
    private static final long MAGIC = 0x4d46434bL; // "MFCK"
    static final int VERSION = 11;

    private KernelState() {
    }

    static byte[] save(Kernel k) {
        StateWriter w = new StateWriter();
        w.u(MAGIC);
        w.u(VERSION);
        Command.Node shape = k.shape();
        w.u(shape.cpus());
        w.u(shape.memBytes());
        w.u(shape.swapBytes());
        w.s(shape.seed());
        w.u(shape.hz());
        w.str(k.config().spec());
        k.saveFacade(w);
        MemcgState.save(k.memcg(), k.taskTable(), w);
        SlabState.save(k.slabLayer(), k.taskTable(), w);
        k.eventQueue().save(w, SlabState.timers(k.slabLayer()));
        k.work().save(w, SlabState.work(k.slabLayer()));
        savePending(k.taskOps().pending(), k.taskOps().blockedTasks(), w);
        return w.toByteArray();
    }

    static Kernel restore(byte[] bytes) {
        StateReader r = new StateReader(bytes);
        if (r.u() != MAGIC) {
            throw new StateReader.CorruptStateException("not a memfleet kernel checkpoint");
        }
        long version = r.u();
        if (version != VERSION) {
            throw new StateReader.CorruptStateException("checkpoint format " + version + ", this kernel reads "
                    + VERSION);
        }
        Command.Node shape = new Command.Node(r.i(), r.u(), r.u(), r.s(), r.i());
        Kernel k = Kernel.boot(shape, KernelConfig.parse(r.str()));
        k.restoreFacadeInto(r);
        MemcgState.restore(k.memcg(), k.taskTable(), r);
        SlabState.restore(k.slabLayer(), k.memcg(), k.taskTable(), r);
        k.eventQueue().restore(r, SlabState.timers(k.slabLayer()));
        k.work().restore(r, SlabState.work(k.slabLayer()));
        restorePending(k.taskOps().pending(), k.taskTable()::get, r);
        r.expectEnd();
        return k;
    }

    static void saveEvents(List<KernelEvent> events, StateWriter w) {
        w.u(events.size());
        for (KernelEvent e : events) {
            w.s(e.timeNs());
            if (e instanceof KernelEvent.OomKill o) {
                w.u(0);
                w.u(o.pid());
                w.str(o.comm());
                w.str(o.memcgPath());
                w.u(o.score());
            } else if (e instanceof KernelEvent.AllocFailure f) {
                w.u(1);
                w.u(f.pid());
                w.str(f.cgroupPath());
                w.str(f.kind());
                w.u(f.bytes());
            } else if (e instanceof KernelEvent.Threshold t) {
                w.u(2);
                w.str(t.file());
                w.u(t.bytes());
            } else if (e instanceof KernelEvent.OomNotify o) {
                w.u(3);
                w.str(o.file());
            }
        }
    }

    static List<KernelEvent> restoreEvents(StateReader r) {
        int n = r.i();
        List<KernelEvent> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            long t = r.s();
            long type = r.u();
            if (type == 0) {
                out.add(new KernelEvent.OomKill(t, r.i(), r.str(), r.str(), r.u()));
            } else if (type == 1) {
                out.add(new KernelEvent.AllocFailure(t, r.i(), r.str(), r.str(), r.u()));
            } else if (type == 2) {
                out.add(new KernelEvent.Threshold(t, r.str(), r.u()));
            } else if (type == 3) {
                out.add(new KernelEvent.OomNotify(t, r.str()));
            } else {
                throw new StateReader.CorruptStateException("unknown kernel event type " + type);
            }
        }
        return out;
    }

    static void savePending(Map<Task, ArrayDeque<PendingOp>> pending, List<Task> blocked, StateWriter w) {
        w.u(blocked.size());
        for (Task t : blocked) {
            w.u(t.pid());
            ArrayDeque<PendingOp> ops = pending.get(t);
            w.u(ops.size());
            for (PendingOp op : ops) {
                w.u(op.kind().ordinal());
                w.s(op.amount());
                w.u(op.size());
                w.bool(op.resumed());
            }
        }
    }

    static void restorePending(Map<Task, ArrayDeque<PendingOp>> pending, java.util.function.IntFunction<Task> tasks,
                               StateReader r) {
        pending.clear();
        int n = r.i();
        for (int k = 0; k < n; k++) {
            int pid = r.i();
            Task t = tasks.apply(pid);
            if (t == null) {
                throw new StateReader.CorruptStateException("pending operations of a task that does not exist: " + pid);
            }
            ArrayDeque<PendingOp> ops = new ArrayDeque<>();
            int m = r.i();
            for (int j = 0; j < m; j++) {
                int kind = r.i();
                if (kind >= PendingOp.Kind.values().length) {
                    throw new StateReader.CorruptStateException("unknown pending operation " + kind);
                }
                ops.add(new PendingOp(PendingOp.Kind.values()[kind], r.s(), r.u(), r.bool()));
            }
            pending.put(t, ops);
        }
    }
}
