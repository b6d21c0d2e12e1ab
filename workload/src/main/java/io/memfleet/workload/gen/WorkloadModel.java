package io.memfleet.workload.gen;

import io.memfleet.kernel.api.Command;
import io.memfleet.workload.spec.ExperimentSpec;
import io.memfleet.workload.trace.TraceException;
import io.memfleet.workload.trace.TraceSet;
import io.memfleet.workload.trace.TraceSpec;
import io.memfleet.workload.trace.TraceStore;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One workload of one node, as the model its experiment file names: chosen once when the node's
 * workload is built ({@link #of}), never matched by name again. Every step the node calls its
 * models in the file's order, and each draws its amounts from the node's one random stream, so the
 * order of the draws (and the bytes generated) follow the file.
 */
sealed interface WorkloadModel permits WorkloadModel.AnonGrower, WorkloadModel.DentryWalker,
        WorkloadModel.KmallocService, WorkloadModel.PagecacheStreamer, WorkloadModel.ShortLivedCgroups,
        TraceReplay, TraceChurn {
    long PAGE = 4096;

    /** What a node's models share: its experiment, its index, its random draws and its child-cgroup jobs. */
    interface Node {
        ExperimentSpec experiment();

        int index();

        /** An amount around {@code v}: from v/2 up to 3v/2, from the node's stream (v itself when at most 1). */
        long jitter(long v);

        ChildJobs jobs();
    }

    /** False for the models that start their own tasks in child cgroups (none are spawned at setup). */
    default boolean spawnsTasksAtSetup() {
        return !(this instanceof ShortLivedCgroups || this instanceof TraceChurn);
    }

    /** The model's commands of one step (the node's tick follows them all). */
    void step(long step, Consumer<Command> out);

    /** The model of workload {@code w} of the node. */
    static WorkloadModel of(Node node, int w, ExperimentSpec.Workload wl) {
        return switch (wl.model()) {
            case "anon-grower" -> new AnonGrower(node, w, wl);
            case "dentry-walker" -> new DentryWalker(node, w, wl);
            case "kmalloc-service" -> new KmallocService(node, w, wl);
            case "pagecache-streamer" -> new PagecacheStreamer(node, w, wl);
            case "trace" -> new TraceReplay(node, w, wl);
            case "trace-churn" -> new TraceChurn(node, w, wl);
            default -> new ShortLivedCgroups(node, w, wl);
        };
    }

    static int pid(int workload, int task) {
        return 1000 * (workload + 1) + task;
    }

    /** The series this node replays of workload {@code w}'s trace (null: none for it). */
    static TraceSet.Series series(Node node, int w, TraceSpec t) {
        try {
            return TraceStore.load(t, node.experiment().nodes()).forNode(node.index(), t.cycle());
        } catch (TraceException ex) {
            // the parser read this trace before; it changed or vanished since
            throw new IllegalStateException("the trace of workloads[" + w + "] cannot be read any more: "
                    + ex.getMessage(), ex);
        }
    }

    /**
     * Of what task {@code t} holds after allocating {@code allocated} more, how many it frees: about
     * {@code frees}, drawn after the allocation, never more than it holds; {@code held} follows.
     */
    private static long freed(Node node, long[] held, int t, long allocated, long frees) {
        long f = Math.min(held[t] + allocated, node.jitter(frees));
        held[t] += allocated - f;
        return f;
    }

    /** Anonymous memory that only grows, by about {@code grow_per_step} a task. */
    final class AnonGrower implements WorkloadModel {
        private final Node node;
        private final int w;
        private final int tasks;
        private final long grow;

        AnonGrower(Node node, int w, ExperimentSpec.Workload wl) {
            this.node = node;
            this.w = w;
            this.tasks = wl.tasks();
            this.grow = wl.params().get("grow_per_step");
        }

        @Override
        public void step(long step, Consumer<Command> out) {
            for (int t = 0; t < tasks; t++) {
                out.accept(new Command.Mem(Command.MemKind.ANON, pid(w, t), Math.max(PAGE, node.jitter(grow))));
            }
        }
    }

    /** Name lookups: about {@code dentries_per_step} dentries a task, and up to {@code frees_per_step} of those held freed. */
    final class DentryWalker implements WorkloadModel {
        private final Node node;
        private final int w;
        private final long perStep;
        private final long frees;
        private final long[] held;

        DentryWalker(Node node, int w, ExperimentSpec.Workload wl) {
            this.node = node;
            this.w = w;
            this.perStep = wl.params().get("dentries_per_step");
            this.frees = wl.params().get("frees_per_step");
            this.held = new long[wl.tasks()];
        }

        @Override
        public void step(long step, Consumer<Command> out) {
            for (int t = 0; t < held.length; t++) {
                long a = node.jitter(perStep);
                long f = freed(node, held, t, a, frees);
                out.accept(new Command.Dentry(pid(w, t), a));
                out.accept(new Command.Dentry(pid(w, t), -f));
            }
        }
    }

    /** kmalloc of one {@code size}: about {@code allocs_per_step} a task, up to {@code frees_per_step} of those held freed. */
    final class KmallocService implements WorkloadModel {
        private final Node node;
        private final int w;
        private final long size;
        private final long allocs;
        private final long frees;
        private final long[] held;

        KmallocService(Node node, int w, ExperimentSpec.Workload wl) {
            this.node = node;
            this.w = w;
            this.size = wl.params().get("size");
            this.allocs = wl.params().get("allocs_per_step");
            this.frees = wl.params().get("frees_per_step");
            this.held = new long[wl.tasks()];
        }

        @Override
        public void step(long step, Consumer<Command> out) {
            for (int t = 0; t < held.length; t++) {
                long a = node.jitter(allocs);
                long f = freed(node, held, t, a, frees);
                out.accept(new Command.Kmalloc(pid(w, t), size, a));
                out.accept(new Command.Kmalloc(pid(w, t), size, -f));
            }
        }
    }

    /** Page cache read at about {@code read_per_step} a task, all of it truncated every {@code truncate_every_steps}. */
    final class PagecacheStreamer implements WorkloadModel {
        private final Node node;
        private final int w;
        private final long every;
        private final long read;
        private final long[] held;

        PagecacheStreamer(Node node, int w, ExperimentSpec.Workload wl) {
            this.node = node;
            this.w = w;
            this.every = Math.max(1, wl.params().get("truncate_every_steps"));
            this.read = wl.params().get("read_per_step");
            this.held = new long[wl.tasks()];
        }

        @Override
        public void step(long step, Consumer<Command> out) {
            for (int t = 0; t < held.length; t++) {
                if (step > 0 && step % every == 0) {
                    out.accept(new Command.Mem(Command.MemKind.FILE, pid(w, t), -Math.max(PAGE, held[t])));
                    held[t] = 0;
                }
                long r = Math.max(PAGE, node.jitter(read));
                held[t] += r;
                out.accept(new Command.Mem(Command.MemKind.FILE, pid(w, t), r));
            }
        }
    }

    /** Jobs every {@code every_steps}, {@code tasks} at a time, each living {@code lifetime_steps} (see {@link ChildJobs}). */
    final class ShortLivedCgroups implements WorkloadModel {
        private final Node node;
        private final int w;
        private final ExperimentSpec.Workload wl;
        private final ChildJobs.Work work;

        ShortLivedCgroups(Node node, int w, ExperimentSpec.Workload wl) {
            this.node = node;
            this.w = w;
            this.wl = wl;
            Map<String, Long> p = wl.params();
            this.work = new ChildJobs.Work(p.get("dentries"), p.get("kmallocs"), p.get("kmalloc_size"), 0);
        }

        @Override
        public void step(long step, Consumer<Command> out) {
            node.jobs().step(w, step, node::jitter, out);
            if (step % Math.max(1, wl.params().get("every_steps")) == 0) {
                for (int t = 0; t < wl.tasks(); t++) {
                    node.jobs().start(w, wl.cgroup(), step, wl.params().get("lifetime_steps"),
                            t % node.experiment().cpus(), work, out);
                }
            }
        }
    }
}
