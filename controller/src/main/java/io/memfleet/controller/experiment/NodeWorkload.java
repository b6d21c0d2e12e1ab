package io.memfleet.controller.experiment;

import io.memfleet.agent.model.ConfigReconciler;
import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.sim.RandomStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The script lines one node of an experiment runs: its shape, the cgroup tree configured in the
 * kernel's order, the tasks of every workload, then one block per step (each model's operations,
 * then a tick). Amounts vary per node and step around the model's parameters, drawn from a random
 * stream seeded by (experiment seed, node index) only, so a node's lines never depend on others.
 */
public final class NodeWorkload {
    private final Experiment e;
    private final SplittableRandom rnd;
    private final long[][] held;
    private int nextJob;
    private final List<int[]> jobs = new ArrayList<>();

    public NodeWorkload(Experiment e, int nodeIndex) {
        this.e = e;
        this.rnd = new SplittableRandom(RandomStreams.seedFor(e.seed(), "workload/" + nodeIndex));
        this.held = new long[e.workloads().size()][];
        for (int w = 0; w < held.length; w++) {
            held[w] = new long[e.workloads().get(w).tasks()];
        }
    }

    static int pid(int workload, int task) {
        return 1000 * (workload + 1) + task;
    }

    public List<String> setup(int nodeIndex) {
        List<String> out = new ArrayList<>();
        out.add("node cpus=" + e.cpus() + " mem=" + (e.memBytes() >> 10) + "K swap=" + (e.swapBytes() >> 10)
                + "K seed=" + RandomStreams.seedFor(e.seed(), "node/" + nodeIndex));
        io.memfleet.kernel.image.NodeImage fresh = Kernel.boot().image();
        for (ConfigReconciler.Write w : ConfigReconciler.plan(e.cgroups(), fresh)) {
            out.add(w.file() == null ? "mkdir " + w.path() : "echo " + w.value() + " > " + w.target());
        }
        for (int w = 0; w < e.workloads().size(); w++) {
            Experiment.Workload wl = e.workloads().get(w);
            if (wl.model().equals("short-lived-cgroups")) {
                continue;
            }
            for (int t = 0; t < wl.tasks(); t++) {
                out.add("spawn " + pid(w, t) + " " + wl.cgroup() + " cpu=" + (t % e.cpus()));
            }
        }
        return out;
    }

    private long jitter(long v) {
        return v <= 1 ? v : v / 2 + rnd.nextLong(v);
    }

    /** The lines of one step, ending with its tick. */
    public List<String> step(long step) {
        List<String> out = new ArrayList<>();
        for (int wi = 0; wi < e.workloads().size(); wi++) {
            final int w = wi;
            Experiment.Workload wl = e.workloads().get(w);
            switch (wl.model()) {
                case "dentry-walker" -> perTask(w, wl, out, (pid, t) -> {
                    long a = jitter(wl.params().get("dentries_per_step"));
                    long f = Math.min(held[w][t] + a, jitter(wl.params().get("frees_per_step")));
                    held[w][t] += a - f;
                    out.add("dentry " + pid + " +" + a);
                    out.add("dentry " + pid + " -" + f);
                });
                case "kmalloc-service" -> perTask(w, wl, out, (pid, t) -> {
                    long size = wl.params().get("size");
                    long a = jitter(wl.params().get("allocs_per_step"));
                    long f = Math.min(held[w][t] + a, jitter(wl.params().get("frees_per_step")));
                    held[w][t] += a - f;
                    out.add("kmalloc " + pid + " " + size + " +" + a);
                    out.add("kmalloc " + pid + " " + size + " -" + f);
                });
                case "pagecache-streamer" -> perTask(w, wl, out, (pid, t) -> {
                    long every = Math.max(1, wl.params().get("truncate_every_steps"));
                    if (step > 0 && step % every == 0) {
                        out.add("file " + pid + " -" + Math.max(4096, held[w][t]));
                        held[w][t] = 0;
                    }
                    long r = Math.max(4096, jitter(wl.params().get("read_per_step")));
                    held[w][t] += r;
                    out.add("file " + pid + " +" + r);
                });
                case "anon-grower" -> perTask(w, wl, out, (pid, t) ->
                        out.add("anon " + pid + " +" + Math.max(4096, jitter(wl.params().get("grow_per_step")))));
                default -> shortLived(w, wl, step, out);
            }
        }
        out.add("tick " + e.stepNs() + "ns");
        return out;
    }

    private interface TaskStep {
        void run(int pid, int task);
    }

    private static void perTask(int w, Experiment.Workload wl, List<String> out, TaskStep s) {
        for (int t = 0; t < wl.tasks(); t++) {
            s.run(pid(w, t), t);
        }
    }

    /**
     * Jobs: mkdir, spawn, one dentry and one kmalloc (served by the root caches; they queue the
     * per-cgroup caches' creation, which the step's tick runs), the bulk of the allocations on the
     * next step, then exit and rmdir at the end of the job's life, leaving dead caches.
     */
    private void shortLived(int w, Experiment.Workload wl, long step, List<String> out) {
        String parent = wl.cgroup().equals("/") ? "" : wl.cgroup();
        long size = wl.params().get("kmalloc_size");
        for (int i = 0; i < jobs.size(); i++) {
            int[] j = jobs.get(i);
            if (j[3] == step) {
                out.add("dentry " + j[2] + " +" + jitter(wl.params().get("dentries")));
                out.add("kmalloc " + j[2] + " " + size + " +" + jitter(wl.params().get("kmallocs")));
            }
            if (j[1] <= step) {
                out.add("exit " + j[2]);
                out.add("rmdir " + parent + "/job" + j[0]);
                jobs.remove(i--);
            }
        }
        if (step % Math.max(1, wl.params().get("every_steps")) == 0) {
            for (int t = 0; t < wl.tasks(); t++) {
                int job = nextJob++;
                int pid = 100_000 + (job % 800_000);
                String dir = parent + "/job" + job;
                out.add("mkdir " + dir);
                out.add("spawn " + pid + " " + dir + " cpu=" + (t % e.cpus()));
                out.add("dentry " + pid + " +1");
                out.add("kmalloc " + pid + " " + size + " +1");
                long end = step + Math.max(2, wl.params().get("lifetime_steps"));
                jobs.add(new int[] {job, (int) end, pid, (int) step + 1});
            }
        }
    }
}
