package io.memfleet.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small results directories written as memfleet writes them. */
final class Fixtures {
    static final String HEADER = "sim_seconds,cgroup,nodes,usage_min,usage_p50,usage_p99,usage_max,usage_sum,"
            + "kmem_min,kmem_p50,kmem_p99,kmem_max,kmem_sum,failcnt_min,failcnt_p50,failcnt_p99,failcnt_max,failcnt_sum,"
            + "oom_kills,alloc_failures,live_caches,dead_caches";

    private Fixtures() {
    }

    /** A run whose /web uses {@code webUsage} bytes at the end and /batch had {@code ooms} OOM kills. */
    static Path results(Path dir, String kernel, long webUsage, long ooms) throws IOException {
        Files.createDirectories(dir.resolve("nodes"));
        Files.writeString(dir.resolve("summary.json"), """
                {
                  "experiment" : "quickstart", "seed" : 42, "kernel" : "%s", "simulated_seconds" : 2.0,
                  "nodes" : 2, "events" : 100,
                  "cgroups" : [ {
                    "cgroup" : "/batch", "nodes" : 2,
                    "usage_in_bytes" : { "min" : 10, "p50" : 20, "p99" : 30, "max" : 30, "sum" : 50 },
                    "kmem_usage_in_bytes" : { "min" : 0, "p50" : 0, "p99" : 0, "max" : 0, "sum" : 0 },
                    "failcnt" : { "min" : 0, "p50" : 1, "p99" : 2, "max" : 2, "sum" : 3 },
                    "oom_kills" : %d, "alloc_failures" : 0, "live_caches" : 0, "dead_caches" : 0
                  }, {
                    "cgroup" : "/web", "nodes" : 2,
                    "usage_in_bytes" : { "min" : 1, "p50" : %d, "p99" : %d, "max" : %d, "sum" : 9 },
                    "kmem_usage_in_bytes" : { "min" : 0, "p50" : 512, "p99" : 4096, "max" : 4096, "sum" : 4608 },
                    "failcnt" : { "min" : 0, "p50" : 0, "p99" : 0, "max" : 0, "sum" : 0 },
                    "oom_kills" : 0, "alloc_failures" : 4, "live_caches" : 6, "dead_caches" : 1
                  } ],
                  "caches" : [ { "slab" : "dentry", "caches" : 4, "dead_caches" : 1, "active_objs" : 80,
                    "num_objs" : 84, "num_slabs" : 2, "bytes" : 8192 } ]
                }
                """.formatted(kernel, ooms, webUsage, webUsage, webUsage));
        Files.writeString(dir.resolve("series.csv"), HEADER + "\n"
                + "1,/batch,2,10,10,10,10,20,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"
                + "1,/web,2,1,2,3,3,5,0,256,512,512,768,0,0,0,0,0,0,1,3,0\n"
                + "2,/batch,2,10,20,30,30,50,0,0,0,0,0,0,1,2,2,3," + ooms + ",0,0,0\n"
                + "2,/web,2,1," + webUsage + "," + webUsage + "," + webUsage + ",9,0,512,4096,4096,4608,0,0,0,0,0,0,3,6,1\n");
        Files.writeString(dir.resolve("experiment.yaml"), "name: quickstart\nseed: 42\n");
        Files.writeString(dir.resolve("nodes").resolve("quickstart-0000.txt"),
                "==> /memory.kmem.usage_in_bytes <==\n0\n\n==> /web/memory.kmem.usage_in_bytes <==\n4096\n"
                        + "\n==> /web/memory.usage_in_bytes <==\n99\n");
        Files.writeString(dir.resolve("nodes").resolve("quickstart-0001.txt"),
                "==> /web/memory.kmem.usage_in_bytes <==\n512\n");
        return dir;
    }

    /** The dying-group columns series.csv has after dead_caches (0 on rows other than the root's node totals). */
    static final String DYING_HEADER = ",dying_p50,dying_max,dying_sum,dying_memcgs_p50,dying_memcgs_p99,dying_memcgs_max,"
            + "css_ids_p50,css_ids_p99,css_ids_max,pinned_kmem_bytes_p50,pinned_kmem_bytes_max,mkdir_enospc";

    /**
     * A churn run over {@code days} simulated days, one sample a day: css ids grow by {@code medianPerDay}
     * on the median node and {@code maxPerDay} on the busiest from 2 (the root and /jobs), dying groups
     * as css ids minus 2.
     */
    static Path churn(Path dir, String kernel, int days, long medianPerDay, long maxPerDay) throws IOException {
        results(dir, kernel, 2048, 0);
        StringBuilder csv = new StringBuilder(HEADER + DYING_HEADER + "\n");
        for (int d = 1; d <= days; d++) {
            long p50 = Math.min(65_535, 2 + medianPerDay * d);
            long max = Math.min(65_535, 2 + maxPerDay * d);
            csv.append(d * 86_400).append(",/,2,").append("0,".repeat(19)).append("0,0,0,")
                    .append(p50 - 2).append(',').append(max - 2).append(',').append(max - 2).append(',')
                    .append(p50).append(',').append(max).append(',').append(max).append(',')
                    .append(4096 * (p50 - 2)).append(',').append(4096 * (max - 2)).append(',')
                    .append(max == 65_535 ? 3 : 0).append('\n');
            csv.append(d * 86_400).append(",/jobs,2,").append("0,".repeat(19)).append(p50 - 2).append(',')
                    .append(max - 2).append(',').append(p50 + max - 4).append(",0,0,0,0,0,0,0,0,0\n");
        }
        Files.writeString(dir.resolve("series.csv"), csv.toString());
        return dir;
    }
}
