package io.memfleet.controller.model;

import io.memfleet.proto.v1.NodeTelemetry;
import java.util.Collection;

/**
 * The node totals of dying groups over some nodes' latest samples: dying groups, css ids in use
 * and bytes of slab pages pinned by dead caches (each over the nodes), and the mkdirs refused with
 * ENOSPC since boot, summed.
 */
public record DyingAggregate(Stats dyingMemcgs, Stats cssIds, Stats pinnedKmemBytes, long mkdirEnospc) {
    public static DyingAggregate of(Collection<NodeTelemetry> samples) {
        long[] dying = new long[samples.size()];
        long[] css = new long[samples.size()];
        long[] pinned = new long[samples.size()];
        long enospc = 0;
        int i = 0;
        for (NodeTelemetry t : samples) {
            dying[i] = t.getDyingMemcgs();
            css[i] = t.getCssIdsInUse();
            pinned[i++] = t.getPinnedKmemBytes();
            enospc += t.getMkdirEnospc();
        }
        return new DyingAggregate(Stats.of(dying), Stats.of(css), Stats.of(pinned), enospc);
    }
}
