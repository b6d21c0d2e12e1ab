package io.memfleet.workload.spec;

import io.memfleet.workload.trace.TraceException;
import io.memfleet.workload.trace.TraceRepairs;
import io.memfleet.workload.trace.TraceStore;
import java.util.ArrayList;
import java.util.List;

/** What the traces of an experiment needed on the way in: its workloads' repairs, for the run's record. */
public final class ExperimentTraces {
    /** One repair of one workload's trace. */
    public record WorkloadRepair(int workload, TraceRepairs.Repair repair) { }

    private ExperimentTraces() {
    }

    /** Every repair of every trace workload of {@code e}, in workload order (the traces were read when it was parsed). */
    public static List<WorkloadRepair> repairs(ExperimentSpec e) {
        List<WorkloadRepair> out = new ArrayList<>();
        for (int w = 0; w < e.workloads().size(); w++) {
            ExperimentSpec.Workload wl = e.workloads().get(w);
            if (wl.trace() == null) {
                continue;
            }
            try {
                for (TraceRepairs.Repair r : TraceStore.load(wl.trace(), e.nodes()).repairs()) {
                    out.add(new WorkloadRepair(w, r));
                }
            } catch (TraceException ex) {
                throw new IllegalStateException("the trace of workloads[" + w + "] cannot be read any more: "
                        + ex.getMessage(), ex);
            }
        }
        return out;
    }

    /** One line per workload and file: {@code workloads[0]: pods.csv: 1 negative value ...; 12 empty values ...}. */
    public static List<String> lines(List<WorkloadRepair> repairs) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < repairs.size(); ) { // repairs() gives them in workload order: one run per workload
            int w = repairs.get(i).workload();
            List<TraceRepairs.Repair> of = new ArrayList<>();
            for (; i < repairs.size() && repairs.get(i).workload() == w; i++) {
                of.add(repairs.get(i).repair());
            }
            TraceRepairs.lines(of).forEach(l -> out.add("workloads[" + w + "]: " + l));
        }
        return out;
    }
}
