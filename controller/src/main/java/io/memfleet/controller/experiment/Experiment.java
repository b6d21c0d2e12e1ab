package io.memfleet.controller.experiment;

import io.memfleet.proto.v1.CgroupConfig;
import java.util.List;
import java.util.Map;

/**
 * A declarative experiment: fleet size and node shape, kernel options, the cgroup tree with its
 * configuration, a mix of built-in workload models, and a duration in simulated time.
 */
public record Experiment(String name, long seed, int nodes, int cpus, long memBytes, long swapBytes, String kernel,
                         long durationNs, long stepNs, long telemetryIntervalNs, List<CgroupConfig> cgroups,
                         List<Workload> workloads) {

    /** One workload model instance: which model, where it runs, how many tasks, and its parameters. */
    public record Workload(String model, String cgroup, int tasks, Map<String, Long> params) { }

    public long steps() {
        return durationNs / stepNs;
    }

    public String nodeId(int index) {
        return String.format("%s-%04d", name, index);
    }
}
