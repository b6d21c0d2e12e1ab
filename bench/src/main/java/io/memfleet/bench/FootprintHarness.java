package io.memfleet.bench;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.KernelConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap per simulated node, measured by retaining N nodes and comparing the used heap after full
 * GCs before and after (MemoryMXBean). Prints bytes per node for an idle node (1 CPU, 10 cgroups)
 * and for a node with 50 cgroups each holding per-cgroup dentry and size-* caches.
 */
public final class FootprintHarness {
    private FootprintHarness() {
    }

    static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static Kernel idleNode() {
        List<String> lines = new ArrayList<>();
        for (int g = 0; g < 10; g++) {
            lines.add("mkdir /g" + g);
        }
        return Fixtures.boot("node cpus=1 mem=4G", KernelConfig.DEFAULT, lines.toArray(String[]::new));
    }

    static Kernel busyNode() {
        List<String> lines = new ArrayList<>();
        for (int g = 0; g < 50; g++) {
            lines.add("mkdir /g" + g);
            lines.add("spawn " + (g + 1) + " /g" + g);
            lines.add("dentry " + (g + 1) + " +1");
            for (int size = 32; size <= 4096; size <<= 1) {
                lines.add("kmalloc " + (g + 1) + " " + size + " +1");
            }
        }
        lines.add("tick 1ms");
        for (int g = 0; g < 50; g++) {
            lines.add("dentry " + (g + 1) + " +20");
            for (int size = 32; size <= 4096; size <<= 1) {
                lines.add("kmalloc " + (g + 1) + " " + size + " +2");
            }
        }
        return Fixtures.boot("node cpus=1 mem=4G", KernelConfig.DEFAULT, lines.toArray(String[]::new));
    }

    static void measure(String label, int n, java.util.function.Supplier<Kernel> make) {
        List<Kernel> keep = new ArrayList<>(n);
        long before = usedAfterGc();
        for (int i = 0; i < n; i++) {
            keep.add(make.get());
        }
        long after = usedAfterGc();
        System.out.printf("%s: %d nodes, %d bytes/node (%.1f KiB)%n", label, keep.size(), (after - before) / n,
                (after - before) / (double) n / 1024);
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        measure("idle node, 1 CPU, 10 cgroups", n, FootprintHarness::idleNode);
        measure("50 cgroups with per-cgroup dentry and size-32..size-4096 caches", Math.max(1, n / 10),
                FootprintHarness::busyNode);
    }
}
