package io.memfleet.bench;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.api.KernelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * What one simulated day of an idle node costs: nodes (4 CPUs, 4 GiB) that first ran N short
 * jobs in child cgroups (each leaving dead dentry and kmalloc caches that hold objects), then
 * tick through a day in one-minute ticks with nothing else to do, and a day as one tick. Prints
 * the heap a node holds and the CPU time per node-day for each N, best of the rounds.
 * Usage: IdleDayHarness NODES ROUNDS [JOBS...] (default 20 3 0 1000 10000).
 */
public final class IdleDayHarness {
    private IdleDayHarness() {
    }

    static Kernel churned(int jobs) {
        List<String> lines = new ArrayList<>(List.of("mkdir /jobs", "echo 1 > /jobs/memory.use_hierarchy",
                "echo 2G > /jobs/memory.limit_in_bytes"));
        for (int j = 0; j < jobs; j++) {
            int pid = 100 + j;
            lines.add("mkdir /jobs/job" + j);
            lines.add("spawn " + pid + " /jobs/job" + j + " cpu=" + (j % 4));
            lines.add("dentry " + pid + " +1");
            lines.add("tick 60s");
            lines.add("dentry " + pid + " +40");
            lines.add("kmalloc " + pid + " 256 +10");
            lines.add("kmalloc " + pid + " 256 -10");
            lines.add("tick 60s");
            lines.add("exit " + pid);
            lines.add("rmdir /jobs/job" + j);
        }
        lines.add("tick 600s");
        return Fixtures.boot("node cpus=4 mem=4G", KernelConfig.DEFAULT, lines.toArray(String[]::new));
    }

    private static long cpuNs() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    public static void main(String[] args) {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int[] jobCounts = args.length > 2 ? java.util.Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt)
                .toArray() : new int[] {0, 1000, 10000};
        for (int jobs : jobCounts) {
            long heapBefore = FootprintHarness.usedAfterGc();
            List<Kernel> fleet = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                fleet.add(churned(jobs));
            }
            long heapPerNode = (FootprintHarness.usedAfterGc() - heapBefore) / nodes;
            int caches = fleet.get(0).image().caches().size();
            long bestMinutes = Long.MAX_VALUE;
            long bestDay = Long.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                long t0 = cpuNs();
                for (Kernel k : fleet) {
                    for (int m = 0; m < 1440; m++) {
                        k.apply(new Command.Tick(60_000_000_000L));
                    }
                }
                bestMinutes = Math.min(bestMinutes, (cpuNs() - t0) / nodes);
                t0 = cpuNs();
                for (Kernel k : fleet) {
                    k.apply(new Command.Tick(86_400_000_000_000L));
                }
                bestDay = Math.min(bestDay, (cpuNs() - t0) / nodes);
            }
            System.out.printf("%,d jobs before (%,d caches, %,d bytes of heap a node): an idle day of one-minute ticks "
                    + "%,.1f us per node, as one tick %,.1f us per node%n", jobs, caches, heapPerNode, bestMinutes / 1e3,
                    bestDay / 1e3);
        }
    }
}
