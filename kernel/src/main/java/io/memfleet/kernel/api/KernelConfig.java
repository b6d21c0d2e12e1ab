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
 */
public record KernelConfig(boolean kmemAccounting, boolean kmemRmdirUnchargesParentKmem,
                           boolean kmemFailureRollsBackRes, boolean kmemMemswConsistent) {
    public static final KernelConfig DEFAULT = new KernelConfig(true, false, false, false);

    /** The behaviour the series' documentation and review describe where it differs from its code. */
    public static final KernelConfig INTENDED = new KernelConfig(true, true, true, true);

    public static final KernelConfig NO_KMEM_ACCOUNTING = new KernelConfig(false, false, false, false);

    /** The option names {@link #parse} accepts. */
    public static final String OPTIONS =
            "nokmem, kmem-rmdir-uncharges-parent, kmem-failure-rolls-back-res, kmem-memsw-consistent, kmem-intended";

    /** Parses a comma-separated option list such as {@code nokmem} or {@code kmem-intended} ({@code default}: none). */
    public static KernelConfig parse(String spec) {
        KernelConfig c = DEFAULT;
        if (spec == null || spec.isBlank()) {
            return c;
        }
        for (String raw : spec.split(",")) {
            String opt = raw.strip();
            c = switch (opt) {
                case "nokmem" -> new KernelConfig(false, c.kmemRmdirUnchargesParentKmem, c.kmemFailureRollsBackRes,
                        c.kmemMemswConsistent);
                case "kmem-rmdir-uncharges-parent" -> new KernelConfig(c.kmemAccounting, true,
                        c.kmemFailureRollsBackRes, c.kmemMemswConsistent);
                case "kmem-failure-rolls-back-res" -> new KernelConfig(c.kmemAccounting,
                        c.kmemRmdirUnchargesParentKmem, true, c.kmemMemswConsistent);
                case "kmem-memsw-consistent" -> new KernelConfig(c.kmemAccounting, c.kmemRmdirUnchargesParentKmem,
                        c.kmemFailureRollsBackRes, true);
                case "kmem-intended" -> new KernelConfig(c.kmemAccounting, true, true, true);
                case "", "default" -> c;
                default -> throw new IllegalArgumentException("unknown kernel option '" + opt + "' (" + OPTIONS + ")");
            };
        }
        return c;
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
        return sb.isEmpty() ? "" : sb.substring(0, sb.length() - 1);
    }
}
