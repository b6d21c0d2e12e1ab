package io.memfleet.workload.gen;

import io.memfleet.kernel.api.Command;
import io.memfleet.workload.spec.ExperimentSpec;
import io.memfleet.workload.trace.TraceSet;
import io.memfleet.workload.trace.TraceSpec;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The {@code trace-churn} model: jobs from a recorded arrival process. The series' counts in a
 * step's span of simulated time start as many jobs in child cgroups (at most {@code max_live}
 * alive), each living the fixed lifetime or its sample's own, in steps (at least two: started,
 * then its bulk allocations; see {@link ChildJobs}).
 */
final class TraceChurn implements WorkloadModel {
    private final WorkloadModel.Node node;
    private final int w;
    private final ExperimentSpec.Workload wl;
    private final ChildJobs.Work work;
    /** The node's series as arrivals (null: none for this node). */
    private final Arrivals arrivals;

    TraceChurn(WorkloadModel.Node node, int w, ExperimentSpec.Workload wl) {
        this.node = node;
        this.w = w;
        this.wl = wl;
        Map<String, Long> p = wl.params();
        this.work = new ChildJobs.Work(p.get("dentries"), p.get("kmallocs"), p.get("kmalloc_size"), p.get("anon"));
        TraceSpec t = wl.trace();
        TraceSet.Series s = WorkloadModel.series(node, w, t);
        this.arrivals = t.counts() && s != null && s.times().length > 0
                ? new Arrivals(s, t.intervalNs() / 1e9, p.get("scale_ppm") / 1e6) : null;
    }

    @Override
    public void step(long step, Consumer<Command> out) {
        node.jobs().step(w, step, node::jitter, out);
        if (arrivals == null) {
            return;
        }
        ExperimentSpec e = node.experiment();
        Map<String, Long> p = wl.params();
        double stepSeconds = e.stepNs() / 1e9;
        long maxLive = p.get("max_live");
        arrivals.between(step * stepSeconds, (step + 1) * stepSeconds, (count, lifetime) -> {
            long lifeNs = Double.isNaN(lifetime) ? p.get("lifetime_ns") : (long) Math.min(lifetime * 1e9, 1e18);
            long steps = (lifeNs + e.stepNs() - 1) / e.stepNs();
            for (long k = 0; k < count && node.jobs().live(w) < maxLive; k++) {
                node.jobs().start(w, wl.cgroup(), step, steps, (int) (k % e.cpus()), work, out);
            }
        });
    }
}
