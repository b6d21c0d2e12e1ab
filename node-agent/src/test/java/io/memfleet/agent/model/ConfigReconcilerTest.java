package io.memfleet.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Command;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.NodeSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigReconcilerTest {
    private static List<String> targets(List<ConfigReconciler.Write> plan) {
        return plan.stream().map(ConfigReconciler.Write::target).toList();
    }

    @Test
    void raisingBothLimitsWritesMemswFirstAndLoweringWritesTheLimitFirst() {
        SimNode n = new SimNode("n", KernelConfig.DEFAULT, 1_000_000_000L);
        CgroupConfig up = CgroupConfig.newBuilder().setPath("/g").setLimitInBytes(8L << 20).setMemswLimitInBytes(8L << 20).build();
        n.applyConfig(ConfigReconciler.plan(List.of(up), n.kernel().image()));
        CgroupConfig raise = up.toBuilder().setLimitInBytes(16L << 20).setMemswLimitInBytes(32L << 20).build();
        List<ConfigReconciler.Write> plan = ConfigReconciler.plan(List.of(raise), n.kernel().image());
        assertEquals(List.of("/g/memory.memsw.limit_in_bytes", "/g/memory.limit_in_bytes"), targets(plan));
        assertTrue(n.applyConfig(plan).stream().allMatch(a -> a.getErrno().equals("OK")));
        CgroupConfig lower = up.toBuilder().setLimitInBytes(4L << 20).setMemswLimitInBytes(4L << 20).build();
        plan = ConfigReconciler.plan(List.of(lower), n.kernel().image());
        assertEquals(List.of("/g/memory.limit_in_bytes", "/g/memory.memsw.limit_in_bytes"), targets(plan));
        assertTrue(n.applyConfig(plan).stream().allMatch(a -> a.getErrno().equals("OK")));
    }

    @Test
    void parentsComeFirstWithUseHierarchyBeforeTheirChildrenExist() {
        Kernel k = Kernel.boot(Command.Node.DEFAULT, KernelConfig.DEFAULT);
        List<ConfigReconciler.Write> plan = ConfigReconciler.plan(List.of(
                CgroupConfig.newBuilder().setPath("/p/c").setKmemLimitInBytes(1 << 20).setKmemIndependent(true).build(),
                CgroupConfig.newBuilder().setPath("/p").setUseHierarchy(true).build()), k.image());
        assertEquals(List.of("/p", "/p/memory.use_hierarchy", "/p/c", "/p/c/memory.kmem.independent_kmem_limit",
                "/p/c/memory.kmem.limit_in_bytes"), targets(plan));
    }

    @Test
    void selectorsMatchAllIdsOrPrefix() {
        assertTrue(ConfigReconciler.selects(NodeSelector.newBuilder().setAll(true).build(), "x"));
        assertTrue(ConfigReconciler.selects(NodeSelector.newBuilder().addNodeIds("a").build(), "a"));
        assertTrue(ConfigReconciler.selects(NodeSelector.newBuilder().setNodeIdPrefix("web-").build(), "web-7"));
        assertTrue(!ConfigReconciler.selects(NodeSelector.newBuilder().setNodeIdPrefix("web-").build(), "db-1"));
        assertTrue(!ConfigReconciler.selects(NodeSelector.getDefaultInstance(), "a"));
    }
}
