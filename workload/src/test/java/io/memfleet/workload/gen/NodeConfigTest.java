package io.memfleet.workload.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memfleet.kernel.api.Command;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.workload.spec.RolloutSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A rollout's step writes its settings in the kernel's order, and its rollback writes back what they replaced. */
class NodeConfigTest {
    private static RolloutSpec rollout(CgroupConfig... c) {
        return new RolloutSpec("r", 0, List.of(c), List.of(1.0), RolloutSpec.Order.INDEX, 1, List.of(),
                RolloutSpec.OnHalt.ROLLBACK);
    }

    private static Command.Echo echo(String value, String path) {
        return new Command.Echo(value, path);
    }

    @Test
    void rollbackWritesTheExperimentsValuesBackAndTheKernelsDefaultsForTheRest() {
        NodeConfig n = new NodeConfig(List.of(CgroupConfig.newBuilder().setPath("/a").setLimitInBytes(64 << 20)
                .setSwappiness(10).build(), CgroupConfig.newBuilder().setPath("/a/b").build()));
        RolloutSpec r = rollout(CgroupConfig.newBuilder().setPath("/a/b").setLimitInBytes(16 << 20).setSwappiness(0)
                .setKmemLimitInBytes(1 << 20).build(), CgroupConfig.newBuilder().setPath("/a").setLimitInBytes(32 << 20)
                .build());
        assertEquals(List.of(echo("33554432", "/a/memory.limit_in_bytes"), echo("1048576", "/a/b/memory.kmem.limit_in_bytes"),
                echo("16777216", "/a/b/memory.limit_in_bytes"), echo("0", "/a/b/memory.swappiness")), n.apply(r),
                "parents first, each cgroup's files in the kernel's order");
        assertEquals(List.of(echo("67108864", "/a/memory.limit_in_bytes"), echo("-1", "/a/b/memory.kmem.limit_in_bytes"),
                echo("-1", "/a/b/memory.limit_in_bytes"), echo("10", "/a/b/memory.swappiness")), n.rollback(r),
                "the experiment's 64M; unlimited where it set none; the parent's swappiness, inherited at mkdir");
        assertEquals(List.of(), n.rollback(r), "nothing more to put back");
    }

    @Test
    void raisingTheLimitAboveMemswWritesMemswFirstAndLoweringTheLimitFirst() {
        NodeConfig n = new NodeConfig(List.of(CgroupConfig.newBuilder().setPath("/g").setLimitInBytes(32 << 20)
                .setMemswLimitInBytes(32 << 20).build()));
        RolloutSpec up = rollout(CgroupConfig.newBuilder().setPath("/g").setLimitInBytes(64 << 20)
                .setMemswLimitInBytes(64 << 20).build());
        assertEquals(List.of(echo("67108864", "/g/memory.memsw.limit_in_bytes"), echo("67108864", "/g/memory.limit_in_bytes")),
                n.apply(up));
        assertEquals(List.of(echo("33554432", "/g/memory.limit_in_bytes"), echo("33554432", "/g/memory.memsw.limit_in_bytes")),
                n.rollback(up));
    }
}
