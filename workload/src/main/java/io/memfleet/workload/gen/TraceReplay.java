package io.memfleet.workload.gen;

import io.memfleet.kernel.api.Command;
import io.memfleet.workload.spec.ExperimentSpec;
import io.memfleet.workload.trace.TraceSet;
import io.memfleet.workload.trace.TraceSpec;
import java.util.function.Consumer;

/**
 * The {@code trace} model: a recorded series as the cgroup's demand. At the step's simulated time
 * the target (the value as bytes) is split into anonymous memory and page cache (and dentries per
 * GiB), and each task grows or shrinks towards its share. Open loop: the kernel decides what a
 * target above the limit ends in (reclaim, swap, an OOM kill).
 */
final class TraceReplay implements WorkloadModel {
    private final ExperimentSpec e;
    private final int w;
    private final int tasks;
    private final TraceSpec t;
    /** The series this node replays (null: none), its read cursor, and what each task holds: anon, file, dentries. */
    private final TraceSet.Series series;
    private final int[] cursor = new int[1];
    private final long[] held = new long[3];
    /** What the trace's fractions and percents are of, in bytes. */
    private final double base;

    TraceReplay(WorkloadModel.Node node, int w, ExperimentSpec.Workload wl) {
        this.e = node.experiment();
        this.w = w;
        this.tasks = wl.tasks();
        this.t = wl.trace();
        this.series = WorkloadModel.series(node, w, t);
        this.base = base(e, wl, t);
    }

    /** What a fraction or percent is of: the cgroup's limit (the node's memory when it has none), or the node's memory. */
    private static double base(ExperimentSpec e, ExperimentSpec.Workload wl, TraceSpec t) {
        if (t.of() == TraceSpec.Of.LIMIT) {
            for (io.memfleet.proto.v1.CgroupConfig c : e.cgroups()) {
                if (c.getPath().equals(wl.cgroup()) && c.hasLimitInBytes() && c.getLimitInBytes() > 0
                        && c.getLimitInBytes() < e.memBytes()) {
                    return c.getLimitInBytes();
                }
            }
        }
        return e.memBytes();
    }

    @Override
    public void step(long step, Consumer<Command> out) {
        if (series == null) {
            return;
        }
        double v = series.at(step * (e.stepNs() / 1e9), t.linear(), cursor);
        double bytes = switch (t.unit()) {
            case BYTES -> v;
            case PERCENT -> v / 100 * base;
            default -> v * base;
        };
        long target = (long) Math.min(bytes, Command.MAX_NODE_BYTES);
        long anon = target / tasks * (long) (t.anonShare() * 1_000_000) / 1_000_000 / PAGE * PAGE;
        long file = Math.max(0, target / tasks - anon) / PAGE * PAGE;
        long dentries = (long) ((double) target / tasks / (1L << 30) * t.kmemPerGib());
        for (int k = 0; k < tasks; k++) {
            int pid = WorkloadModel.pid(w, k);
            if (anon != held[0]) {
                out.accept(new Command.Mem(Command.MemKind.ANON, pid, anon - held[0]));
            }
            if (file != held[1]) {
                out.accept(new Command.Mem(Command.MemKind.FILE, pid, file - held[1]));
            }
            if (dentries != held[2]) {
                out.accept(new Command.Dentry(pid, dentries - held[2]));
            }
        }
        held[0] = anon;
        held[1] = file;
        held[2] = dentries;
    }
}
