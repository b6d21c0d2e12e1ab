package io.memfleet.workload.gen;

import io.memfleet.kernel.api.Command;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.protocol.ConfigPlan;
import io.memfleet.workload.spec.ExperimentSpec;
import io.memfleet.workload.spec.RolloutSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's cgroup settings as its event stream has written them: the experiment's, then each
 * rollout step. A rollout's step writes its settings and remembers the values they replaced; its
 * rollback writes those back. A setting the experiment never wrote was the kernel's default
 * (unlimited limits, flags off, swappiness inherited from the nearest ancestor that sets it, else 60).
 */
final class NodeConfig {
    private static final int DEFAULT_SWAPPINESS = 60;

    private final Map<String, CgroupConfig> current = new LinkedHashMap<>();
    /** Per rollout, the values its step replaced. */
    private final Map<String, List<CgroupConfig>> replaced = new HashMap<>();

    NodeConfig(List<CgroupConfig> experiment) {
        for (CgroupConfig c : experiment) {
            current.merge(c.getPath(), c, (a, b) -> a.toBuilder().mergeFrom(b).build());
        }
    }

    /** The writes of the rollout's settings, in the order the kernel needs; the replaced values are kept. */
    List<Command.Echo> apply(RolloutSpec r) {
        List<CgroupConfig> before = new ArrayList<>();
        for (CgroupConfig c : r.cgroups()) {
            before.add(previous(c));
        }
        replaced.put(r.name(), before);
        return write(r.cgroups());
    }

    /** The writes that put back what the rollout's step replaced. */
    List<Command.Echo> rollback(RolloutSpec r) {
        List<CgroupConfig> before = replaced.remove(r.name());
        return before == null ? List.of() : write(before);
    }

    private List<Command.Echo> write(List<CgroupConfig> desired) {
        List<Command.Echo> out = new ArrayList<>();
        for (ConfigPlan.Write w : ConfigPlan.plan(desired, new ConfigPlan.Current() {
            @Override
            public boolean exists(String path) {
                return true; // a rollout's cgroups are the experiment's, made at setup
            }

            @Override
            public long memswLimit(String path) {
                CgroupConfig c = current.get(path);
                return c == null || !c.hasMemswLimitInBytes() || c.getMemswLimitInBytes() < 0 ? Long.MAX_VALUE
                        : c.getMemswLimitInBytes();
            }
        })) {
            if (w.file() != null) {
                out.add((Command.Echo) w.command());
            }
        }
        ExperimentSpec.overlay(List.copyOf(current.values()), desired).forEach(c -> current.put(c.getPath(), c));
        return out;
    }

    /** The values the fields {@code c} sets have now. */
    private CgroupConfig previous(CgroupConfig c) {
        CgroupConfig now = current.getOrDefault(c.getPath(), CgroupConfig.getDefaultInstance());
        CgroupConfig.Builder b = CgroupConfig.newBuilder().setPath(c.getPath());
        if (c.hasLimitInBytes()) {
            b.setLimitInBytes(now.hasLimitInBytes() ? now.getLimitInBytes() : -1);
        }
        if (c.hasSoftLimitInBytes()) {
            b.setSoftLimitInBytes(now.hasSoftLimitInBytes() ? now.getSoftLimitInBytes() : -1);
        }
        if (c.hasMemswLimitInBytes()) {
            b.setMemswLimitInBytes(now.hasMemswLimitInBytes() ? now.getMemswLimitInBytes() : -1);
        }
        if (c.hasKmemLimitInBytes()) {
            b.setKmemLimitInBytes(now.hasKmemLimitInBytes() ? now.getKmemLimitInBytes() : -1);
        }
        if (c.hasKmemIndependent()) {
            b.setKmemIndependent(now.getKmemIndependent());
        }
        if (c.hasUseHierarchy()) {
            b.setUseHierarchy(now.getUseHierarchy());
        }
        if (c.hasSwappiness()) {
            b.setSwappiness(now.hasSwappiness() ? now.getSwappiness() : inheritedSwappiness(c.getPath()));
        }
        if (c.hasOomKillDisable()) {
            b.setOomKillDisable(now.getOomKillDisable());
        }
        if (c.hasMoveChargeAtImmigrate()) {
            b.setMoveChargeAtImmigrate(now.getMoveChargeAtImmigrate());
        }
        return b.build();
    }

    /** A cgroup takes its parent's swappiness when it is made (mem_cgroup_create()): the nearest that sets one. */
    private int inheritedSwappiness(String path) {
        for (String p = parent(path); p != null; p = parent(p)) {
            CgroupConfig c = current.get(p);
            if (c != null && c.hasSwappiness()) {
                return c.getSwappiness();
            }
        }
        return DEFAULT_SWAPPINESS;
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return path.equals("/") ? null : slash <= 0 ? "/" : path.substring(0, slash);
    }
}
