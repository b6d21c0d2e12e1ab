package io.memfleet.workload.spec;

import io.memfleet.proto.v1.CgroupConfig;
import java.util.List;
import java.util.Map;

/**
 * A declarative experiment: fleet size and node shape, kernel options, the cgroup tree with its
 * configuration, a mix of built-in workload models, a duration in simulated time, and an optional
 * pace ({@code speed} times real time; 0 runs as fast as the fleet consumes).
 */
public record ExperimentSpec(String name, long seed, int nodes, int cpus, long memBytes, long swapBytes, String kernel,
                             long durationNs, long stepNs, long telemetryIntervalNs, double speed,
                             List<CgroupConfig> cgroups, List<Workload> workloads) {

    /** One workload model instance: which model, where it runs, how many tasks, and its parameters. */
    public record Workload(String model, String cgroup, int tasks, Map<String, Long> params) { }

    public ExperimentSpec {
        cgroups = List.copyOf(cgroups);
        workloads = List.copyOf(workloads);
    }

    public long steps() {
        return durationNs / stepNs;
    }

    /** The same experiment with other kernel options (an A/B run of one file). */
    public ExperimentSpec withKernel(String options) {
        return new ExperimentSpec(name, seed, nodes, cpus, memBytes, swapBytes, options, durationNs, stepNs,
                telemetryIntervalNs, speed, cgroups, workloads);
    }

    /** The same experiment at another pace (times real time; 0: as fast as the fleet consumes). */
    public ExperimentSpec withSpeed(double pace) {
        return new ExperimentSpec(name, seed, nodes, cpus, memBytes, swapBytes, kernel, durationNs, stepNs,
                telemetryIntervalNs, pace, cgroups, workloads);
    }

    /** The same experiment on another fleet size (benchmarks scale the bundled examples). */
    public ExperimentSpec withNodes(int n) {
        return new ExperimentSpec(name, seed, n, cpus, memBytes, swapBytes, kernel, durationNs, stepNs,
                telemetryIntervalNs, speed, cgroups, workloads);
    }
}
