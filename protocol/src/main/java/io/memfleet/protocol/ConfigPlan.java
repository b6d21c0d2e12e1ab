package io.memfleet.protocol;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.image.CgroupImage;
import io.memfleet.kernel.image.NodeImage;
import io.memfleet.proto.v1.CgroupConfig;
import io.memfleet.proto.v1.NodeSelector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns desired cgroup configuration (config.proto) into the control-file writes a careful operator would make,
 * in the order the kernel requires: parents before children, use_hierarchy right after mkdir and
 * before any child exists, independent_kmem_limit before kmem.limit_in_bytes, and memsw before the
 * memory limit when the new memory limit is above the current memsw limit (raising), otherwise
 * the memory limit first (lowering) (kernel-semantics.md B1, B2, B8, E1, M5).
 */
public final class ConfigPlan {
    /** One step: {@code file} is null for a mkdir of {@code path}. */
    public record Write(String path, String file, String value) {
        /** The directory made or the control file written, as acks name it. */
        public String target() {
            return file == null ? path : (path.equals("/") ? "" : path) + "/" + file;
        }

        /** The kernel command that makes this step. */
        public Command command() {
            return file == null ? new Command.Mkdir(path) : new Command.Echo(value, target());
        }
    }

    private ConfigPlan() {
    }

    public static boolean selects(NodeSelector s, String nodeId) {
        if (s.getAll()) {
            return true;
        }
        if (s.getNodeIdsList().contains(nodeId)) {
            return true;
        }
        return !s.getNodeIdPrefix().isEmpty() && nodeId.startsWith(s.getNodeIdPrefix());
    }

    /** What the plan needs to know of a node now: which cgroups exist, and their memsw limits. */
    public interface Current {
        boolean exists(String path);

        /** The cgroup's memory.memsw.limit_in_bytes (unsigned; unlimited is all ones). */
        long memswLimit(String path);

        /** A kernel's view, from its image. */
        static Current of(NodeImage k) {
            return new Current() {
                @Override
                public boolean exists(String path) {
                    return k.cgroup(path) != null;
                }

                @Override
                public long memswLimit(String path) {
                    CgroupImage c = k.cgroup(path);
                    return c == null ? Long.MAX_VALUE : c.memsw().limit();
                }
            };
        }
    }

    public static List<Write> plan(List<CgroupConfig> desired, NodeImage k) {
        return plan(desired, Current.of(k));
    }

    public static List<Write> plan(List<CgroupConfig> desired, Current k) {
        List<CgroupConfig> sorted = new ArrayList<>(desired);
        sorted.sort(Comparator.comparingInt((CgroupConfig c) -> depth(c.getPath())).thenComparing(CgroupConfig::getPath));
        List<Write> out = new ArrayList<>();
        for (CgroupConfig c : sorted) {
            String p = c.getPath();
            boolean existing = k.exists(p);
            if (!existing) {
                out.add(new Write(p, null, "mkdir"));
            }
            if (c.hasUseHierarchy()) {
                out.add(new Write(p, "memory.use_hierarchy", c.getUseHierarchy() ? "1" : "0"));
            }
            if (c.hasKmemIndependent()) {
                out.add(new Write(p, "memory.kmem.independent_kmem_limit", c.getKmemIndependent() ? "1" : "0"));
            }
            if (c.hasKmemLimitInBytes()) {
                out.add(new Write(p, "memory.kmem.limit_in_bytes", limit(c.getKmemLimitInBytes())));
            }
            limits(c, existing ? k.memswLimit(p) : Long.MAX_VALUE, out);
            if (c.hasSoftLimitInBytes()) {
                out.add(new Write(p, "memory.soft_limit_in_bytes", limit(c.getSoftLimitInBytes())));
            }
            if (c.hasSwappiness()) {
                out.add(new Write(p, "memory.swappiness", Integer.toUnsignedString(c.getSwappiness())));
            }
            if (c.hasOomKillDisable()) {
                out.add(new Write(p, "memory.oom_control", c.getOomKillDisable() ? "1" : "0"));
            }
            if (c.hasMoveChargeAtImmigrate()) {
                out.add(new Write(p, "memory.move_charge_at_immigrate",
                        Integer.toUnsignedString(c.getMoveChargeAtImmigrate())));
            }
        }
        return out;
    }

    private static void limits(CgroupConfig c, long curMemsw, List<Write> out) {
        String p = c.getPath();
        Write mem = c.hasLimitInBytes() ? new Write(p, "memory.limit_in_bytes", limit(c.getLimitInBytes())) : null;
        Write sw = c.hasMemswLimitInBytes()
                ? new Write(p, "memory.memsw.limit_in_bytes", limit(c.getMemswLimitInBytes())) : null;
        if (mem != null && sw != null) {
            long newMem = c.getLimitInBytes() < 0 ? Long.MAX_VALUE : c.getLimitInBytes();
            boolean raising = Long.compareUnsigned(newMem, curMemsw) > 0;
            out.add(raising ? sw : mem);
            out.add(raising ? mem : sw);
        } else if (mem != null) {
            out.add(mem);
        } else if (sw != null) {
            out.add(sw);
        }
    }

    private static String limit(long v) {
        return v < 0 ? "-1" : Long.toString(v);
    }

    private static int depth(String path) {
        int d = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/' && i + 1 < path.length()) {
                d++;
            }
        }
        return d;
    }
}
