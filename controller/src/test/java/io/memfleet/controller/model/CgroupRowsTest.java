package io.memfleet.controller.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memfleet.common.CgroupFold;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.KernelEvent;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.OomKill;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A folded row combines each node's cgroups first: sums, the largest limit, a node with kills counted once. */
class CgroupRowsTest {
    private static NodeTelemetry node(String id, long kills1, long kills2) {
        NodeTelemetry.Builder b = NodeTelemetry.newBuilder().setNodeId(id).setSeq(1)
                .addCgroups(CgroupSample.newBuilder().setPath("/jobs").setUsageInBytes(1000).setLimitInBytes(64L << 20))
                .addCgroups(CgroupSample.newBuilder().setPath("/jobs/job1").setUsageInBytes(10).setLimitInBytes(4096))
                .addCgroups(CgroupSample.newBuilder().setPath("/jobs/job2").setUsageInBytes(20).setLimitInBytes(8192));
        for (int i = 0; i < kills1; i++) {
            b.addEvents(KernelEvent.newBuilder().setSimTimeNs(5 + i).setOomKill(OomKill.newBuilder().setMemcgPath("/jobs/job1")));
        }
        for (int i = 0; i < kills2; i++) {
            b.addEvents(KernelEvent.newBuilder().setSimTimeNs(3 + i).setOomKill(OomKill.newBuilder().setMemcgPath("/jobs/job2")));
        }
        return b.build();
    }

    private static CgroupAggregate row(List<CgroupAggregate> rows, String path) {
        return rows.stream().filter(r -> r.path().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void aPatternRowSumsEachNodesCgroupsBeforeTheStatisticsAndCountsANodeOnce() {
        FleetState f = new FleetState();
        f.onTelemetry(node("x/0", 1, 2));
        f.onTelemetry(node("x/1", 0, 0));
        List<CgroupAggregate> rows = f.cgroupAggregates(f.nodes("x"), CgroupFold.declared(List.of("/jobs")));
        assertEquals(List.of("/jobs", "/jobs/*"), rows.stream().map(CgroupAggregate::path).toList());
        CgroupAggregate jobs = row(rows, "/jobs/*");
        assertEquals(2, jobs.nodes());
        assertEquals(30, jobs.usage().max());
        assertEquals(60, jobs.usage().sum());
        assertEquals(8192, jobs.limits().limit().max());
        assertEquals(3, jobs.oomKills());
        assertEquals(1, jobs.events().oomNodes());
        assertEquals(3, jobs.events().firstOomKillNs());
        assertEquals(1000, row(rows, "/jobs").usage().max());
    }

    @Test
    void withoutAFoldEveryPathIsItsOwnRow() {
        FleetState f = new FleetState();
        f.onTelemetry(node("x/0", 1, 2));
        List<CgroupAggregate> rows = f.cgroupAggregates(f.nodes("x"));
        assertEquals(List.of("/jobs", "/jobs/job1", "/jobs/job2"), rows.stream().map(CgroupAggregate::path).toList());
        assertEquals(2, row(rows, "/jobs/job2").oomKills());
        assertEquals(4096, row(rows, "/jobs/job1").limits().limit().max());
    }
}
