package io.memfleet.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memfleet.common.CgroupFold;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A results directory as reports show it by default: the cgroups the experiment did not declare
 * (the short-lived children a workload makes, {@code /jobs/job14}) folded into their parent's
 * pattern ({@code /jobs/*}), in the series and in the final table. Directories from before the
 * summary listed the declared cgroups are shown exactly as they are.
 */
public final class FoldedRuns {
    private FoldedRuns() {
    }

    /** {@code r} with its transient cgroups folded; {@code r} itself when there is nothing to fold by. */
    public static ResultsDir fold(ResultsDir r) {
        List<String> declared = r.summary().declaredCgroups();
        if (declared.isEmpty()) {
            return r;
        }
        CgroupFold f = CgroupFold.declared(declared);
        ResultsDir.Summary s = r.summary();
        Map<String, ResultsDir.CgroupFinal> rows = new LinkedHashMap<>();
        for (ResultsDir.CgroupFinal c : s.cgroups()) {
            rows.merge(f.fold(c.cgroup()), rename(c, f.fold(c.cgroup())), FoldedRuns::combine);
        }
        ResultsDir.Summary folded = new ResultsDir.Summary(s.experiment(), s.seed(), s.kernel(), s.nodes(),
                s.simulatedSeconds(), s.events(), new ArrayList<>(rows.values()), s.caches(), s.rollouts(), declared);
        return new ResultsDir(r.dir(), folded, r.series().fold(f::fold), r.slabs(), r.experimentYaml(), r.topKmem(),
                r.traceRepairs());
    }

    private static ResultsDir.CgroupFinal rename(ResultsDir.CgroupFinal c, String name) {
        return new ResultsDir.CgroupFinal(name, c.nodes(), c.usage(), c.kmem(), c.failcnt(), c.oomKills(),
                c.allocFailures(), c.liveCaches(), c.deadCaches(), c.events());
    }

    private static ResultsDir.CgroupFinal combine(ResultsDir.CgroupFinal a, ResultsDir.CgroupFinal b) {
        ResultsDir.Events x = a.events();
        ResultsDir.Events y = b.events();
        ResultsDir.Events e = new ResultsDir.Events(Math.max(x.oomNodes(), y.oomNodes()),
                Math.max(x.allocFailureNodes(), y.allocFailureNodes()), earliest(x.firstOomKillS(), y.firstOomKillS()),
                earliest(x.firstAllocFailureS(), y.firstAllocFailureS()), Math.max(x.limit(), y.limit()),
                Math.max(x.memswLimit(), y.memswLimit()), Math.max(x.kmemLimit(), y.kmemLimit()));
        return new ResultsDir.CgroupFinal(a.cgroup(), Math.max(a.nodes(), b.nodes()), stats(a.usage(), b.usage()),
                stats(a.kmem(), b.kmem()), stats(a.failcnt(), b.failcnt()), a.oomKills() + b.oomKills(),
                a.allocFailures() + b.allocFailures(), a.liveCaches() + b.liveCaches(), a.deadCaches() + b.deadCaches(), e);
    }

    private static double earliest(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
    }

    /** Two members' statistics ({min, p50, p99, max, sum}) as their pattern's, as the series combines them. */
    private static JsonNode stats(JsonNode a, JsonNode b) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        a.fieldNames().forEachRemaining(k -> out.put(k, SeriesTable.Combine.of("x_" + k).apply(a.path(k).asLong(),
                b.path(k).asLong())));
        return out;
    }
}
