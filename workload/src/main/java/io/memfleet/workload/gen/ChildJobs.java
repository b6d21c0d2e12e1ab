package io.memfleet.workload.gen;

import io.memfleet.kernel.api.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

/**
 * Short-lived jobs in child cgroups of one node, for every workload that makes them
 * (short-lived-cgroups on a timer, trace-churn from a recorded arrival process): mkdir, spawn, one
 * dentry and one kmalloc (served by the root caches; they queue the per-cgroup caches' creation,
 * which the step's tick runs), the bulk of the allocations on the next step, then exit and rmdir at
 * the end of the job's life, leaving dead caches behind. Job numbers (and so cgroup names and pids)
 * are the node's, shared by its workloads, so no two jobs ever meet.
 */
final class ChildJobs {
    /** What each job of a workload does: dentries and kmallocs of one size on its second step, anonymous bytes. */
    record Work(long dentries, long kmallocs, long kmallocSize, long anonBytes) { }

    private record Job(int pid, String dir, long bulkStep, long endStep, Work work) { }

    /** Per workload, its live jobs in the order they started. */
    private final List<List<Job>> live = new ArrayList<>();
    private int nextJob;

    ChildJobs(int workloads) {
        for (int w = 0; w < workloads; w++) {
            live.add(new ArrayList<>());
        }
    }

    /** The bulk allocations and the ends due at {@code step} of workload {@code w}'s jobs, in the order they started. */
    void step(int w, long step, LongUnaryOperator jitter, Consumer<Command> out) {
        List<Job> jobs = live.get(w);
        int kept = 0;
        for (Job j : jobs) {
            if (j.bulkStep() == step) {
                out.accept(new Command.Dentry(j.pid(), jitter.applyAsLong(j.work().dentries())));
                out.accept(new Command.Kmalloc(j.pid(), j.work().kmallocSize(), jitter.applyAsLong(j.work().kmallocs())));
                if (j.work().anonBytes() > 0) {
                    out.accept(new Command.Mem(Command.MemKind.ANON, j.pid(),
                            Math.max(4096, jitter.applyAsLong(j.work().anonBytes()))));
                }
            }
            if (j.endStep() <= step) {
                out.accept(new Command.Exit(j.pid()));
                out.accept(new Command.Rmdir(j.dir()));
            } else {
                jobs.set(kept++, j); // the survivors move down in order: one pass, whatever ends
            }
        }
        jobs.subList(kept, jobs.size()).clear();
    }

    /** Starts one job of workload {@code w} under {@code parent} that lives {@code lifetimeSteps} (at least 2). */
    void start(int w, String parent, long step, long lifetimeSteps, int cpu, Work work, Consumer<Command> out) {
        int job = nextJob++;
        int pid = 100_000 + (job % 800_000);
        String dir = (parent.equals("/") ? "" : parent) + "/job" + job;
        out.accept(new Command.Mkdir(dir));
        out.accept(new Command.Spawn(pid, dir, cpu));
        out.accept(new Command.Dentry(pid, 1));
        out.accept(new Command.Kmalloc(pid, work.kmallocSize(), 1));
        live.get(w).add(new Job(pid, dir, step + 1, step + Math.max(2, lifetimeSteps), work));
    }

    /** Jobs of workload {@code w} alive now. */
    int live(int w) {
        return live.get(w).size();
    }
}
