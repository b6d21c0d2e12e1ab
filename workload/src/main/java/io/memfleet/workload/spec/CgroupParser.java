package io.memfleet.workload.spec;

import io.memfleet.proto.v1.CgroupConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Cgroup settings as an experiment file writes them ({@code cgroups:}, a variant's, a rollout's). */
final class CgroupParser extends YamlFields {
    CgroupParser(String source) {
        super(source);
    }

    /** {@code field}: a list of cgroups, each a path and the settings it is given. */
    List<CgroupConfig> cgroups(Node n, String field) throws ExperimentException {
        List<CgroupConfig> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!(n instanceof SequenceNode seq)) {
            throw error(n, field, "expected a list");
        }
        Set<String> keys = Set.of("path", "limit", "soft_limit", "memsw_limit", "kmem_independent", "kmem_limit",
                "use_hierarchy", "swappiness", "oom_kill_disable", "move_charge_at_immigrate");
        for (int i = 0; i < seq.getValue().size(); i++) {
            String p = field + "[" + i + "].";
            Map<String, Node> c = fields(mapping(seq.getValue().get(i), p), p, keys);
            String path = string(c, "path", p, true);
            if (!path.startsWith("/") || path.contains("//") || path.chars().anyMatch(ch -> ch <= ' ' || ch == 0x7f)) {
                throw error(c.get("path"), p + "path", "a cgroup path starts with '/' and has no spaces, control "
                        + "characters or empty names: '" + path.replace("\t", "\\t") + "'");
            }
            for (String name : path.substring(1).split("/")) {
                if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                    throw error(c.get("path"), p + "path", "a cgroup name is at most 255 bytes (ENAMETOOLONG)");
                }
                if (name.equals(".") || name.equals("..")) {
                    throw error(c.get("path"), p + "path", "'.' and '..' are not cgroup names");
                }
            }
            CgroupConfig.Builder b = CgroupConfig.newBuilder().setPath(path);
            if (c.containsKey("limit")) {
                b.setLimitInBytes(limit(c, "limit", p));
            }
            if (c.containsKey("soft_limit")) {
                b.setSoftLimitInBytes(limit(c, "soft_limit", p));
            }
            if (c.containsKey("memsw_limit")) {
                b.setMemswLimitInBytes(limit(c, "memsw_limit", p));
            }
            if (c.containsKey("kmem_limit")) {
                b.setKmemLimitInBytes(limit(c, "kmem_limit", p));
            }
            if (c.containsKey("kmem_independent")) {
                b.setKmemIndependent(bool(c, "kmem_independent", p));
            }
            if (c.containsKey("use_hierarchy")) {
                b.setUseHierarchy(bool(c, "use_hierarchy", p));
            }
            if (c.containsKey("oom_kill_disable")) {
                b.setOomKillDisable(bool(c, "oom_kill_disable", p));
            }
            if (c.containsKey("swappiness")) {
                b.setSwappiness((int) number(c, "swappiness", p, 60, 0, 100));
            }
            if (c.containsKey("move_charge_at_immigrate")) {
                b.setMoveChargeAtImmigrate((int) number(c, "move_charge_at_immigrate", p, 0, 0, 3));
            }
            out.add(b.build());
        }
        return out;
    }

}
