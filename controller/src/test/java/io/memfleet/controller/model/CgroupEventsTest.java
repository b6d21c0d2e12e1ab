package io.memfleet.controller.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memfleet.proto.v1.AllocFailure;
import io.memfleet.proto.v1.CgroupSample;
import io.memfleet.proto.v1.KernelEvent;
import io.memfleet.proto.v1.NodeTelemetry;
import io.memfleet.proto.v1.OomKill;
import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupEventsTest {
    private static NodeTelemetry sample(String node, long seq, long limit, List<KernelEvent> events) {
        return NodeTelemetry.newBuilder().setNodeId(node).setSeq(seq).addAllEvents(events)
                .addCgroups(CgroupSample.newBuilder().setPath("/batch").setLimitInBytes(limit)
                        .setKmemLimitInBytes(Long.MAX_VALUE).setMemswLimitInBytes(limit))
                .build();
    }

    private static KernelEvent oom(long ns) {
        return KernelEvent.newBuilder().setSimTimeNs(ns).setOomKill(OomKill.newBuilder().setMemcgPath("/batch")).build();
    }

    private static KernelEvent failure(long ns) {
        return KernelEvent.newBuilder().setSimTimeNs(ns)
                .setAllocFailure(AllocFailure.newBuilder().setCgroupPath("/batch")).build();
    }

    @Test
    void theSummaryKnowsWhichNodesTheEventsHitAndWhenTheFirstCame() {
        FleetState f = new FleetState();
        f.onTelemetry(sample("e/n0", 0, 32 << 20, List.of(oom(5_000_000_000L))));
        f.onTelemetry(sample("e/n0", 1, 32 << 20, List.of(oom(7_000_000_000L), failure(9_000_000_000L))));
        f.onTelemetry(sample("e/n1", 0, 64 << 20, List.of(oom(3_000_000_000L))));
        f.onTelemetry(sample("e/n2", 0, 32 << 20, List.of()));
        CgroupAggregate a = f.cgroupAggregates().get(0);
        assertEquals(3, a.oomKills());
        assertEquals(new CgroupAggregate.Events(2, 1, 3_000_000_000L, 9_000_000_000L), a.events());
        assertEquals(32 << 20, a.limits().limit().min());
        assertEquals(64 << 20, a.limits().limit().max());
        assertEquals(Long.MAX_VALUE, a.limits().kmemLimit().max());
    }

    @Test
    void aCgroupWithoutEventsHasNoFirstTime() {
        FleetState f = new FleetState();
        f.onTelemetry(sample("e/n0", 0, 32 << 20, List.of()));
        assertEquals(new CgroupAggregate.Events(0, 0, CgroupAggregate.NEVER, CgroupAggregate.NEVER),
                f.cgroupAggregates().get(0).events());
    }
}
