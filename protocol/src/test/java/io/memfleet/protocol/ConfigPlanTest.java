package io.memfleet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.Errno;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.NodeSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigPlanTest {
    private static List<String> targets(List<ConfigPlan.Write> plan) {
        return plan.stream().map(ConfigPlan.Write::target).toList();
    }

    private static List<Errno> apply(Kernel k, List<ConfigPlan.Write> plan) {
        return plan.stream().map(w -> k.apply(w.command()).errno()).toList();
    }

    @Test
    void raisingBothLimitsWritesMemswFirstAndLoweringWritesTheLimitFirst() {
        Kernel k = Kernel.boot();
        CgroupConfig up = CgroupConfig.newBuilder().setPath("/g").setLimitInBytes(8L << 20).setMemswLimitInBytes(8L << 20).build();
        apply(k, ConfigPlan.plan(List.of(up), k.image()));
        CgroupConfig raise = up.toBuilder().setLimitInBytes(16L << 20).setMemswLimitInBytes(32L << 20).build();
        List<ConfigPlan.Write> plan = ConfigPlan.plan(List.of(raise), k.image());
        assertEquals(List.of("/g/memory.memsw.limit_in_bytes", "/g/memory.limit_in_bytes"), targets(plan));
        assertEquals(List.of(Errno.OK, Errno.OK), apply(k, plan));
        CgroupConfig lower = up.toBuilder().setLimitInBytes(4L << 20).setMemswLimitInBytes(4L << 20).build();
        plan = ConfigPlan.plan(List.of(lower), k.image());
        assertEquals(List.of("/g/memory.limit_in_bytes", "/g/memory.memsw.limit_in_bytes"), targets(plan));
        assertEquals(List.of(Errno.OK, Errno.OK), apply(k, plan));
    }

    @Test
    void parentsComeFirstWithUseHierarchyBeforeTheirChildrenExist() {
        Kernel k = Kernel.boot();
        List<ConfigPlan.Write> plan = ConfigPlan.plan(List.of(
                CgroupConfig.newBuilder().setPath("/p/c").setKmemLimitInBytes(1 << 20).setKmemIndependent(true).build(),
                CgroupConfig.newBuilder().setPath("/p").setUseHierarchy(true).build()), k.image());
        assertEquals(List.of("/p", "/p/memory.use_hierarchy", "/p/c", "/p/c/memory.kmem.independent_kmem_limit",
                "/p/c/memory.kmem.limit_in_bytes"), targets(plan));
        assertTrue(apply(k, plan).stream().allMatch(e -> e == Errno.OK));
    }

    @Test
    void selectorsMatchAllIdsOrPrefix() {
        assertTrue(ConfigPlan.selects(NodeSelector.newBuilder().setAll(true).build(), "x"));
        assertTrue(ConfigPlan.selects(NodeSelector.newBuilder().addNodeIds("a").build(), "a"));
        assertTrue(ConfigPlan.selects(NodeSelector.newBuilder().setNodeIdPrefix("web-").build(), "web-7"));
        assertFalse(ConfigPlan.selects(NodeSelector.newBuilder().setNodeIdPrefix("web-").build(), "db-1"));
        assertFalse(ConfigPlan.selects(NodeSelector.getDefaultInstance(), "a"));
    }
}
