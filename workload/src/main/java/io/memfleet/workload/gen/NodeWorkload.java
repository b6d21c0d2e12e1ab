package io.memfleet.workload.gen;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.image.NodeImage;
import io.memfleet.kernel.api.Seeds;
import io.memfleet.protocol.ConfigPlan;
import io.memfleet.workload.spec.ExperimentSpec;
import io.memfleet.workload.trace.TraceException;
import io.memfleet.workload.trace.TraceSet;
import io.memfleet.workload.trace.TraceSpec;
import io.memfleet.workload.trace.TraceStore;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The commands one node of an experiment runs: its shape, the cgroup tree configured in the
 * kernel's order, the tasks of every workload, then one block per step (each model's operations,
 * then a tick). Amounts vary per node and step around the model's parameters, drawn from a random
 * stream seeded by (experiment seed, node index) only, so a node's commands never depend on other
 * nodes, on threads, or on how the fleet runs.
 */
public final class NodeWorkload {
    /** A node before anything is configured: what the cgroup plan starts from. */
    private static final NodeImage FRESH = Kernel.boot().image();
    private static final long PAGE = 4096;

    private final ExperimentSpec e;
    private final int nodeIndex;
    private final SplittableRandom rnd;
    private final long[][] held;
    private final ChildJobs jobs;
    private final Command.Tick tick;
    /** Per trace workload: the series this node replays (null: none), its read cursor, and what it holds. */
    private final TraceSet.Series[] traces;
    private final int[][] traceCursor;
    private final long[][] traceHeld;
    /** Per trace workload: what its fractions and percents are of, in bytes. */
    private final double[] traceBase;
    /** Per trace-churn workload: its series as arrivals (null: none for this node). */
    private final Arrivals[] arrivals;
    /** Per workload of child-cgroup jobs (short-lived-cgroups, trace-churn): what each job does; null for others. */
    private final ChildJobs.Work[] work;

    public NodeWorkload(ExperimentSpec e, int nodeIndex) {
        this.e = e;
        this.nodeIndex = nodeIndex;
        this.rnd = new SplittableRandom(Seeds.seedFor(e.seed(), "workload/" + nodeIndex));
        this.held = new long[e.workloads().size()][];
        for (int w = 0; w < held.length; w++) {
            held[w] = new long[e.workloads().get(w).tasks()];
        }
        this.tick = new Command.Tick(e.stepNs());
        this.jobs = new ChildJobs(e.workloads().size());
        this.traces = new TraceSet.Series[e.workloads().size()];
        this.traceCursor = new int[traces.length][1];
        this.traceHeld = new long[traces.length][3];
        this.traceBase = new double[traces.length];
        this.arrivals = new Arrivals[traces.length];
        this.work = new ChildJobs.Work[traces.length];
        for (int w = 0; w < traces.length; w++) {
            work[w] = work(e.workloads().get(w));
            TraceSpec t = e.workloads().get(w).trace();
            if (t != null) {
                try {
                    traces[w] = TraceStore.load(t, e.nodes()).forNode(nodeIndex, t.cycle());
                    traceBase[w] = base(e.workloads().get(w), t);
                    if (t.counts() && traces[w] != null && traces[w].times().length > 0) {
                        arrivals[w] = new Arrivals(traces[w], t.intervalNs() / 1e9,
                                e.workloads().get(w).params().get("scale_ppm") / 1e6);
                    }
                } catch (TraceException ex) {
                    // the parser read this trace before; it changed or vanished since
                    throw new IllegalStateException("the trace of workloads[" + w + "] cannot be read any more: "
                            + ex.getMessage(), ex);
                }
            }
        }
    }

    /** The work of each job of a child-cgroup workload, from its parameters (which never change). */
    private static ChildJobs.Work work(ExperimentSpec.Workload wl) {
        Map<String, Long> p = wl.params();
        return switch (wl.model()) {
            case "short-lived-cgroups" -> new ChildJobs.Work(p.get("dentries"), p.get("kmallocs"), p.get("kmalloc_size"), 0);
            case "trace-churn" -> new ChildJobs.Work(p.get("dentries"), p.get("kmallocs"), p.get("kmalloc_size"),
                    p.get("anon"));
            default -> null;
        };
    }

    static int pid(int workload, int task) {
        return 1000 * (workload + 1) + task;
    }

    /** The node's shape, its cgroups and the tasks of its long-running workloads. */
    public void setup(Consumer<Command> out) {
        String kernel = KernelConfig.parse(e.kernel()).spec();
        out.accept(new Command.Node(e.cpus(), e.memBytes(), e.swapBytes(),
                Seeds.seedFor(e.seed(), "node/" + nodeIndex), 100, kernel.isEmpty() ? "default" : kernel));
        for (ConfigPlan.Write w : ConfigPlan.plan(e.cgroups(), FRESH)) {
            out.accept(w.command());
        }
        for (int w = 0; w < e.workloads().size(); w++) {
            ExperimentSpec.Workload wl = e.workloads().get(w);
            if (wl.model().equals("short-lived-cgroups") || wl.model().equals("trace-churn")) {
                continue;
            }
            for (int t = 0; t < wl.tasks(); t++) {
                out.accept(new Command.Spawn(pid(w, t), wl.cgroup(), t % e.cpus()));
            }
        }
    }

    private long jitter(long v) {
        return v <= 1 ? v : v / 2 + rnd.nextLong(v);
    }

    /** The commands of one step, ending with its tick. */
    public void step(long step, Consumer<Command> out) {
        for (int w = 0; w < e.workloads().size(); w++) {
            ExperimentSpec.Workload wl = e.workloads().get(w);
            switch (wl.model()) {
                case "dentry-walker" -> dentryWalker(w, wl, out);
                case "kmalloc-service" -> kmallocService(w, wl, out);
                case "pagecache-streamer" -> pagecacheStreamer(w, wl, step, out);
                case "anon-grower" -> {
                    for (int t = 0; t < wl.tasks(); t++) {
                        out.accept(new Command.Mem(Command.MemKind.ANON, pid(w, t),
                                Math.max(PAGE, jitter(wl.params().get("grow_per_step")))));
                    }
                }
                case "trace" -> trace(w, wl, step, out);
                case "trace-churn" -> churn(w, wl, step, out);
                default -> shortLived(w, wl, step, out);
            }
        }
        out.accept(tick);
    }

    private void dentryWalker(int w, ExperimentSpec.Workload wl, Consumer<Command> out) {
        for (int t = 0; t < wl.tasks(); t++) {
            long a = jitter(wl.params().get("dentries_per_step"));
            long f = Math.min(held[w][t] + a, jitter(wl.params().get("frees_per_step")));
            held[w][t] += a - f;
            out.accept(new Command.Dentry(pid(w, t), a));
            out.accept(new Command.Dentry(pid(w, t), -f));
        }
    }

    private void kmallocService(int w, ExperimentSpec.Workload wl, Consumer<Command> out) {
        long size = wl.params().get("size");
        for (int t = 0; t < wl.tasks(); t++) {
            long a = jitter(wl.params().get("allocs_per_step"));
            long f = Math.min(held[w][t] + a, jitter(wl.params().get("frees_per_step")));
            held[w][t] += a - f;
            out.accept(new Command.Kmalloc(pid(w, t), size, a));
            out.accept(new Command.Kmalloc(pid(w, t), size, -f));
        }
    }

    private void pagecacheStreamer(int w, ExperimentSpec.Workload wl, long step, Consumer<Command> out) {
        long every = Math.max(1, wl.params().get("truncate_every_steps"));
        for (int t = 0; t < wl.tasks(); t++) {
            if (step > 0 && step % every == 0) {
                out.accept(new Command.Mem(Command.MemKind.FILE, pid(w, t), -Math.max(PAGE, held[w][t])));
                held[w][t] = 0;
            }
            long r = Math.max(PAGE, jitter(wl.params().get("read_per_step")));
            held[w][t] += r;
            out.accept(new Command.Mem(Command.MemKind.FILE, pid(w, t), r));
        }
    }

    /**
     * A recorded series as the cgroup's demand: at the step's simulated time the target (the value
     * as bytes) is split into anonymous memory and page cache (and dentries per GiB), and each
     * task grows or shrinks towards its share. Open loop: the kernel decides what a target above
     * the limit ends in (reclaim, swap, an OOM kill).
     */
    private void trace(int w, ExperimentSpec.Workload wl, long step, Consumer<Command> out) {
        TraceSet.Series s = traces[w];
        if (s == null) {
            return;
        }
        TraceSpec t = wl.trace();
        double v = s.at(step * (e.stepNs() / 1e9), t.linear(), traceCursor[w]);
        double bytes = switch (t.unit()) {
            case BYTES -> v;
            case PERCENT -> v / 100 * traceBase[w];
            default -> v * traceBase[w];
        };
        long target = (long) Math.min(bytes, Command.MAX_NODE_BYTES);
        long anon = target / wl.tasks() * (long) (t.anonShare() * 1_000_000) / 1_000_000 / PAGE * PAGE;
        long file = Math.max(0, target / wl.tasks() - anon) / PAGE * PAGE;
        long dentries = (long) ((double) target / wl.tasks() / (1L << 30) * t.kmemPerGib());
        long[] held = traceHeld[w];
        for (int k = 0; k < wl.tasks(); k++) {
            int pid = pid(w, k);
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

    /** What a fraction or percent is of: the cgroup's limit (the node's memory when it has none), or the node's memory. */
    private double base(ExperimentSpec.Workload wl, TraceSpec t) {
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

    /** Jobs every {@code every_steps}, {@code tasks} at a time, each living {@code lifetime_steps} (see {@link ChildJobs}). */
    private void shortLived(int w, ExperimentSpec.Workload wl, long step, Consumer<Command> out) {
        jobs.step(w, step, this::jitter, out);
        if (step % Math.max(1, wl.params().get("every_steps")) == 0) {
            for (int t = 0; t < wl.tasks(); t++) {
                jobs.start(w, wl.cgroup(), step, wl.params().get("lifetime_steps"), t % e.cpus(), work[w], out);
            }
        }
    }

    /**
     * Jobs from a recorded arrival process: the series' counts in this step's span of simulated
     * time start as many jobs (at most {@code max_live} alive), each living the fixed lifetime or
     * its sample's own, in steps (at least two: started, then its bulk allocations).
     */
    private void churn(int w, ExperimentSpec.Workload wl, long step, Consumer<Command> out) {
        jobs.step(w, step, this::jitter, out);
        if (arrivals[w] == null) {
            return;
        }
        Map<String, Long> p = wl.params();
        double stepSeconds = e.stepNs() / 1e9;
        long maxLive = p.get("max_live");
        arrivals[w].between(step * stepSeconds, (step + 1) * stepSeconds, (count, lifetime) -> {
            long lifeNs = Double.isNaN(lifetime) ? p.get("lifetime_ns") : (long) Math.min(lifetime * 1e9, 1e18);
            long steps = (lifeNs + e.stepNs() - 1) / e.stepNs();
            for (long k = 0; k < count && jobs.live(w) < maxLive; k++) {
                jobs.start(w, wl.cgroup(), step, steps, (int) (k % e.cpus()), work[w], out);
            }
        });
    }
}
