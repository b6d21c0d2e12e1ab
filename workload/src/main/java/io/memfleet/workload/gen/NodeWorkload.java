package io.memfleet.workload.gen;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Seeds;
import io.memfleet.protocol.ConfigPlan;
import io.memfleet.workload.spec.ExperimentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The commands one node of an experiment runs: its shape, the cgroup tree configured in the
 * kernel's order, the tasks of every workload, then one block per step (each model's operations,
 * then a tick). Amounts vary per node and step around the model's parameters, drawn from a random
 * stream seeded by (experiment seed, node index) only, so a node's commands never depend on other
 * nodes, on threads, or on how the fleet runs.
 */
public final class NodeWorkload implements WorkloadModel.Node {
    /**
     * What every node of an experiment starts with, worked out once for all of them: the writes that
     * configure its cgroup tree on a freshly booted kernel, in the kernel's order.
     */
    public record Setup(List<Command> cgroupWrites) {
        public Setup {
            cgroupWrites = List.copyOf(cgroupWrites);
        }

        public static Setup of(ExperimentSpec e) {
            List<Command> writes = new ArrayList<>();
            for (ConfigPlan.Write w : ConfigPlan.plan(e.cgroups(), Kernel.boot().image())) {
                writes.add(w.command());
            }
            return new Setup(writes);
        }
    }

    private final ExperimentSpec e;
    private final int nodeIndex;
    private final Setup setup;
    private final SplittableRandom rnd;
    private final ChildJobs jobs;
    private final Command.Tick tick;
    private final WorkloadModel[] models;

    /** A node of {@code e} on its own (its setup worked out for it alone). */
    public NodeWorkload(ExperimentSpec e, int nodeIndex) {
        this(e, nodeIndex, Setup.of(e));
    }

    public NodeWorkload(ExperimentSpec e, int nodeIndex, Setup setup) {
        this.e = e;
        this.nodeIndex = nodeIndex;
        this.setup = setup;
        this.rnd = new SplittableRandom(Seeds.seedFor(e.seed(), "workload/" + nodeIndex));
        this.tick = new Command.Tick(e.stepNs());
        this.jobs = new ChildJobs(e.workloads().size());
        this.models = new WorkloadModel[e.workloads().size()];
        for (int w = 0; w < models.length; w++) {
            models[w] = WorkloadModel.of(this, w, e.workloads().get(w));
        }
    }

    @Override
    public ExperimentSpec experiment() {
        return e;
    }

    @Override
    public int index() {
        return nodeIndex;
    }

    @Override
    public long jitter(long v) {
        return v <= 1 ? v : v / 2 + rnd.nextLong(v);
    }

    @Override
    public ChildJobs jobs() {
        return jobs;
    }

    /** The node's shape, its cgroups and the tasks of its long-running workloads. */
    public void setup(Consumer<Command> out) {
        String kernel = KernelConfig.parse(e.kernel()).spec();
        out.accept(new Command.Node(e.cpus(), e.memBytes(), e.swapBytes(),
                Seeds.seedFor(e.seed(), "node/" + nodeIndex), 100, kernel.isEmpty() ? "default" : kernel));
        setup.cgroupWrites().forEach(out);
        for (int w = 0; w < models.length; w++) {
            if (!models[w].spawnsTasksAtSetup()) {
                continue;
            }
            ExperimentSpec.Workload wl = e.workloads().get(w);
            for (int t = 0; t < wl.tasks(); t++) {
                out.accept(new Command.Spawn(WorkloadModel.pid(w, t), wl.cgroup(), t % e.cpus()));
            }
        }
    }

    /** The commands of one step, ending with its tick. */
    public void step(long step, Consumer<Command> out) {
        for (WorkloadModel m : models) {
            m.step(step, out);
        }
        out.accept(tick);
    }
}
