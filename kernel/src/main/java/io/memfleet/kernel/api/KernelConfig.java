package io.memfleet.kernel.api;

/**
 * Kernel build and boot options that change behaviour, for A/B experiments. The defaults are the
 * v2 series as its code reads; each alternative is a named option (the name in brackets).
 *
 * @param kmemAccounting     CONFIG_CGROUP_MEM_RES_CTLR_KMEM; false ({@code nokmem}) compiles the
 *                           series out: no per-cgroup caches, nothing charged to kmem
 * @param kmemRmdirUnchargesParentKmem ({@code kmem-rmdir-uncharges-parent}) the documented intent
 *                           of 03/13, "all the remaining kernel memory becomes unaccounted": rmdir
 *                           also lowers hierarchical parents' kmem counters; the v2 code lowers
 *                           only the removed group's own counter
 * @param kmemFailureRollsBackRes ({@code kmem-failure-rolls-back-res}) when the kmem counter
 *                           refuses a slab charge after res was charged, undo the res charge; the
 *                           v2 code leaves it charged
 * @param kmemMemswConsistent ({@code kmem-memsw-consistent}) kmem moves memsw with res: a
 *                           forced (bypassed) slab charge also forces memsw, and freeing a slab
 *                           page also uncharges memsw; the v2 code forces and uncharges res only
 * @param kmemPinsMemcg      ({@code kmem-pins-memcg}) a later kernel's design (3.8 to 5.8), not
 *                           3.3's: every charged slab page holds a reference to its group, so rmdir
 *                           unaccounts nothing; a group whose per-cgroup caches still hold slab
 *                           pages stays dying, charged with them, until the last one is freed
 * @param kmemReparent       ({@code kmem-reparent}) a later kernel's design (obj_cgroup
 *                           reparenting, 5.9 on), not 3.3's: rmdir moves the group's kmem charge
 *                           (kmem, and res, which holds it too unless the limit is independent)
 *                           to its parent, whose counters its dead caches then uncharge, and the
 *                           group is not held by its slab pages
 */
public record KernelConfig(boolean kmemAccounting, boolean kmemRmdirUnchargesParentKmem,
                           boolean kmemFailureRollsBackRes, boolean kmemMemswConsistent, boolean kmemPinsMemcg,
                           boolean kmemReparent) {
    public static final KernelConfig DEFAULT = new KernelConfig(true, false, false, false, false, false);

    /** The behaviour the series' documentation and review describe where it differs from its code. */
    public static final KernelConfig INTENDED = new KernelConfig(true, true, true, true, false, false);

    public static final KernelConfig NO_KMEM_ACCOUNTING = new KernelConfig(false, false, false, false, false, false);

    /** The option names {@link #parse} accepts. */
    public static final String OPTIONS = "nokmem, kmem-rmdir-uncharges-parent, kmem-failure-rolls-back-res, "
            + "kmem-memsw-consistent, kmem-intended, kmem-pins-memcg, kmem-reparent";

    public KernelConfig {
        if (kmemPinsMemcg && kmemReparent) {
            throw new IllegalArgumentException("kmem-pins-memcg and kmem-reparent are alternatives: choose one");
        }
    }

    /** Parses a comma-separated option list such as {@code nokmem} or {@code kmem-intended} ({@code default}: none). */
    public static KernelConfig parse(String spec) {
        KernelConfig c = DEFAULT;
        if (spec == null || spec.isBlank()) {
            return c;
        }
        for (String raw : spec.split(",")) {
            String opt = raw.strip();
            c = switch (opt) {
                case "nokmem" -> c.with(false, c.kmemRmdirUnchargesParentKmem, c.kmemFailureRollsBackRes,
                        c.kmemMemswConsistent);
                case "kmem-rmdir-uncharges-parent" -> c.with(c.kmemAccounting, true, c.kmemFailureRollsBackRes,
                        c.kmemMemswConsistent);
                case "kmem-failure-rolls-back-res" -> c.with(c.kmemAccounting, c.kmemRmdirUnchargesParentKmem, true,
                        c.kmemMemswConsistent);
                case "kmem-memsw-consistent" -> c.with(c.kmemAccounting, c.kmemRmdirUnchargesParentKmem,
                        c.kmemFailureRollsBackRes, true);
                case "kmem-intended" -> c.with(c.kmemAccounting, true, true, true);
                case "kmem-pins-memcg" -> new KernelConfig(c.kmemAccounting, c.kmemRmdirUnchargesParentKmem,
                        c.kmemFailureRollsBackRes, c.kmemMemswConsistent, true, c.kmemReparent);
                case "kmem-reparent" -> new KernelConfig(c.kmemAccounting, c.kmemRmdirUnchargesParentKmem,
                        c.kmemFailureRollsBackRes, c.kmemMemswConsistent, c.kmemPinsMemcg, true);
                case "", "default" -> c;
                default -> throw new IllegalArgumentException("unknown kernel option '" + opt + "' (" + OPTIONS + ")");
            };
        }
        return c;
    }

    /** This config with the four v2 switches replaced, the later kernels' designs kept. */
    private KernelConfig with(boolean accounting, boolean rmdirUnchargesParent, boolean failureRollsBack,
                              boolean memswConsistent) {
        return new KernelConfig(accounting, rmdirUnchargesParent, failureRollsBack, memswConsistent, kmemPinsMemcg,
                kmemReparent);
    }

    /** The option string that {@link #parse} turns back into this config. */
    public String spec() {
        StringBuilder sb = new StringBuilder();
        if (!kmemAccounting) {
            sb.append("nokmem,");
        }
        if (kmemRmdirUnchargesParentKmem) {
            sb.append("kmem-rmdir-uncharges-parent,");
        }
        if (kmemFailureRollsBackRes) {
            sb.append("kmem-failure-rolls-back-res,");
        }
        if (kmemMemswConsistent) {
            sb.append("kmem-memsw-consistent,");
        }
        if (kmemPinsMemcg) {
            sb.append("kmem-pins-memcg,");
        }
        if (kmemReparent) {
            sb.append("kmem-reparent,");
        }
        return sb.isEmpty() ? "" : sb.substring(0, sb.length() - 1);
    }
}
