package io.memfleet.workload.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.Command;
import io.memfleet.workload.spec.ExperimentException;
import io.memfleet.workload.spec.ExperimentParser;
import io.memfleet.workload.spec.ExperimentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** trace-churn: a series of counts starts that many child cgroups per interval, each removed after its lifetime. */
class TraceChurnTest {
    @TempDir
    Path tmp;

    private ExperimentSpec experiment(String step, String params) throws Exception {
        Path file = Files.writeString(tmp.resolve("churn.yaml"), """
                name: churn
                seed: 3
                nodes: 2
                node: {cpus: 2, mem: 1G}
                duration: 5m
                step: %s
                cgroups:
                  - {path: /fn, use_hierarchy: true, limit: 256M}
                workloads:
                  - model: trace-churn
                    cgroup: /fn
                    params:
                """.formatted(step) + params.indent(6));
        return ExperimentParser.parse(Files.readString(file), file.toString());
    }

    /** Per step: [mkdirs, rmdirs] under /fn. */
    private static List<long[]> perStep(ExperimentSpec e, int node) {
        NodeWorkload w = new NodeWorkload(e, node);
        w.setup(c -> { });
        List<long[]> out = new ArrayList<>();
        for (long s = 0; s < e.steps(); s++) {
            long[] n = new long[2];
            w.step(s, c -> {
                n[0] += c instanceof Command.Mkdir m && m.path().startsWith("/fn/") ? 1 : 0;
                n[1] += c instanceof Command.Rmdir r && r.path().startsWith("/fn/") ? 1 : 0;
            });
            out.add(n);
        }
        return out;
    }

    @Test
    void eachIntervalStartsAsManyChildCgroupsAsItsCountAndEachIsRemovedAfterItsLifetime() throws Exception {
        Files.writeString(tmp.resolve("starts.csv"), "minute,fn,count\n0,a,3\n60,a,0\n120,a,5\n180,a,2\n240,a,1\n"
                + "0,b,1\n60,b,1\n");
        ExperimentSpec e = experiment("60s", """
                path: starts.csv
                series_column: fn
                time_column: minute
                value_column: count
                lifetime: 120s
                """);
        List<long[]> a = perStep(e, 0);
        assertEquals(List.of(3L, 0L, 5L, 2L, 1L), a.stream().map(n -> n[0]).toList(), "mkdirs follow the series");
        assertEquals(List.of(0L, 0L, 3L, 0L, 5L), a.stream().map(n -> n[1]).toList(), "each rmdir two steps later");
        assertEquals(List.of(1L, 1L, 0L, 0L, 0L), perStep(e, 1).stream().map(n -> n[0]).toList(), "node 1, series b");
    }

    @Test
    void shorterStepsSpreadACountOverItsIntervalAndKeepTheTotal() throws Exception {
        Files.writeString(tmp.resolve("starts.csv"), "t,fn,n\n0,a,7\n60,a,2\n");
        ExperimentSpec e = experiment("10s", """
                path: starts.csv
                series_column: fn
                time_column: t
                value_column: n
                """);
        List<long[]> a = perStep(e, 0);
        assertEquals(7, a.subList(0, 6).stream().mapToLong(n -> n[0]).sum());
        assertEquals(2, a.subList(6, 12).stream().mapToLong(n -> n[0]).sum());
        assertTrue(a.subList(0, 6).stream().allMatch(n -> n[0] >= 1 && n[0] <= 2), "spread evenly");
    }

    @Test
    void aLifetimeColumnGivesEachIntervalsJobsTheirOwnLifetime() throws Exception {
        Files.writeString(tmp.resolve("starts.csv"), "t,fn,n,secs\n0,a,2,60\n60,a,1,180\n");
        ExperimentSpec e = experiment("60s", """
                path: starts.csv
                series_column: fn
                time_column: t
                value_column: n
                lifetime_column: secs
                """);
        List<long[]> a = perStep(e, 0);
        assertEquals(List.of(0L, 0L, 2L, 0L, 1L), a.stream().map(n -> n[1]).toList(),
                "60 s lives two steps (the least), 180 s three");
    }

    @Test
    void theKernelRunsTheChurnLeavingDeadCachesAndNoChildBehind() throws Exception {
        Files.writeString(tmp.resolve("starts.csv"), "t,fn,n\n0,a,4\n60,a,4\n");
        ExperimentSpec e = experiment("60s", """
                path: starts.csv
                series_column: fn
                time_column: t
                value_column: n
                lifetime: 60s
                """);
        Kernel k = Kernel.boot();
        NodeWorkload w = new NodeWorkload(e, 0);
        w.setup(k::apply);
        for (long s = 0; s < e.steps(); s++) {
            w.step(s, k::apply);
        }
        assertEquals(List.of("/", "/fn"), k.image().cgroups().stream().map(c -> c.path()).toList());
        assertTrue(k.image().caches().stream().anyMatch(io.memfleet.kernel.image.CacheImage::dead),
                "the removed jobs' caches stay behind, dead");
    }

    @Test
    void badChurnParametersNameTheirField() {
        String msg = assertThrows(ExperimentException.class, () -> experiment("60s", """
                path: starts.csv
                series_column: fn
                value_column: n
                lifetime: 60s
                lifetime_column: secs
                """)).getMessage();
        assertTrue(msg.contains("field 'workloads[0].params.lifetime': give lifetime or lifetime_column"), msg);
        String azure = assertThrows(ExperimentException.class, () -> experiment("60s", """
                path: x.csv
                format: google-2011-task-usage
                """)).getMessage();
        assertTrue(azure.contains("holds memory usage, not counts"), azure);
        String perMinute = assertThrows(ExperimentException.class, () -> experiment("60s", """
                path: invocations
                format: azure-functions-2019
                lifetime_column: 3
                """)).getMessage();
        assertTrue(perMinute.contains("field 'workloads[0].params.lifetime_column': format 'azure-functions-2019' has "
                + "a count per column and no lifetimes"), perMinute);
    }
}
