package io.memfleet.workload.spec;

import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.workload.trace.TraceSpec;
import java.util.List;
import java.util.Map;

/**
 * A declarative experiment: fleet size and node shape, kernel options, the cgroup tree with its
 * configuration, a mix of built-in workload models, a duration in simulated time, an optional
 * pace ({@code speed} times real time; 0 runs as fast as the fleet consumes), the A/B variants, and
 * the rollouts that change cgroup settings wave by wave while it runs.
 */
public record ExperimentSpec(String name, long seed, int nodes, int cpus, long memBytes, long swapBytes, String kernel,
                             long durationNs, long stepNs, long telemetryIntervalNs, double speed,
                             List<CgroupConfig> cgroups, List<Workload> workloads, List<Variant> variants,
                             List<RolloutSpec> rollouts) {

    /** One workload model instance: which model, where it runs, how many tasks, and its parameters (or its trace). */
    public record Workload(String model, String cgroup, int tasks, Map<String, Long> params, TraceSpec trace) {
        public Workload(String model, String cgroup, int tasks, Map<String, Long> params) {
            this(model, cgroup, tasks, params, null);
        }
    }

    /**
     * One variant of an A/B matrix ({@code variants:}): a name, kernel options (null: the
     * experiment's), cgroup settings laid over the experiment's (by path; a new path is added) and
     * rollouts that replace the experiment's of the same name (already laid over them field by
     * field when parsed) or are added. The workloads stay the same: they depend on the seed only.
     */
    public record Variant(String name, String kernel, List<CgroupConfig> cgroups, List<RolloutSpec> rollouts) {
        public Variant {
            cgroups = List.copyOf(cgroups);
            rollouts = List.copyOf(rollouts);
        }
    }

    public ExperimentSpec {
        cgroups = List.copyOf(cgroups);
        workloads = List.copyOf(workloads);
        variants = List.copyOf(variants);
        rollouts = List.copyOf(rollouts);
    }

    /** {@code base} with {@code patch}'s settings laid over it by path (fields the patch sets replace); new paths added. */
    public static List<CgroupConfig> overlay(List<CgroupConfig> base, List<CgroupConfig> patch) {
        java.util.List<CgroupConfig> merged = new java.util.ArrayList<>(base);
        for (CgroupConfig o : patch) {
            int at = -1;
            for (int i = 0; i < merged.size(); i++) {
                if (merged.get(i).getPath().equals(o.getPath())) {
                    at = i;
                }
            }
            if (at >= 0) {
                merged.set(at, merged.get(at).toBuilder().mergeFrom(o).build());
            } else {
                merged.add(o);
            }
        }
        return merged;
    }

    /** The experiment as one of its variants runs it: named {@code NAME-VARIANT}, without variants of its own. */
    public ExperimentSpec withVariant(Variant v) {
        java.util.List<RolloutSpec> ro = new java.util.ArrayList<>(rollouts);
        for (RolloutSpec r : v.rollouts()) {
            ro.removeIf(x -> x.name().equals(r.name()));
            ro.add(r);
        }
        return new ExperimentSpec(name + "-" + v.name(), seed, nodes, cpus, memBytes, swapBytes,
                v.kernel() == null ? kernel : v.kernel(), durationNs, stepNs, telemetryIntervalNs, speed,
                overlay(cgroups, v.cgroups()), workloads, List.of(), ro);
    }

    public long steps() {
        return durationNs / stepNs;
    }

    /** The same experiment with other kernel options (an A/B run of one file). */
    public ExperimentSpec withKernel(String options) {
        return new ExperimentSpec(name, seed, nodes, cpus, memBytes, swapBytes, options, durationNs, stepNs,
                telemetryIntervalNs, speed, cgroups, workloads, variants, rollouts);
    }

    /** The same experiment at another pace (times real time; 0: as fast as the fleet consumes). */
    public ExperimentSpec withSpeed(double pace) {
        return new ExperimentSpec(name, seed, nodes, cpus, memBytes, swapBytes, kernel, durationNs, stepNs,
                telemetryIntervalNs, pace, cgroups, workloads, variants, rollouts);
    }

    /** The same experiment on another fleet size (benchmarks scale the bundled examples). */
    public ExperimentSpec withNodes(int n) {
        return new ExperimentSpec(name, seed, n, cpus, memBytes, swapBytes, kernel, durationNs, stepNs,
                telemetryIntervalNs, speed, cgroups, workloads, variants, rollouts);
    }
}
