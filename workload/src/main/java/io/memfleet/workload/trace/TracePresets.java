package io.memfleet.workload.trace;

import java.util.List;

/**
 * The published traces that {@code format:} names, each with its documented columns, units and
 * time base, so that no column has to be mapped by hand. The README says where each dataset is
 * published and on what terms; no data of any of them is part of memfleet.
 */
public final class TracePresets {
    /** A preset: the file's shape and what its values are unless the experiment file says otherwise. */
    public record Preset(String name, TraceShape shape, TraceSpec.Unit unit, TraceSpec.Of of, boolean counts,
                         long intervalNs) { }

    private static final TraceSpec.Column NONE = null;

    /**
     * Google cluster-data 2011 (v2.1 schema), table task_usage: CSV without a header; 0 start time and
     * 1 end time in microseconds (the trace starts at 600 s), 2 job ID, 3 task index, 4 machine ID,
     * 5 CPU rate, 6 canonical memory usage (normalised to the largest machine's memory), ...
     * A series is a task: job ID and task index.
     */
    private static final Preset GOOGLE = new Preset("google-2011-task-usage",
            new TraceShape(TraceShape.Layout.LONG, List.of(idx(2), idx(3)), idx(0), idx(6), NONE, false, (byte) ',',
                    1e-6, 1, false, 0, 0),
            TraceSpec.Unit.FRACTION, TraceSpec.Of.NODE, false, 300_000_000_000L);

    /**
     * Alibaba cluster-trace-v2018, container_usage.csv: no header; 0 container_id, 1 machine_id,
     * 2 time_stamp in seconds, 3 cpu_util_percent, 4 mem_util_percent (of the container's memory),
     * 5 cpi, ... A series is a container.
     */
    private static final Preset ALIBABA = new Preset("alibaba-2018-container-usage",
            new TraceShape(TraceShape.Layout.LONG, List.of(idx(0)), idx(2), idx(4), NONE, false, (byte) ',', 1, 1,
                    false, 0, 0),
            TraceSpec.Unit.PERCENT, TraceSpec.Of.LIMIT, false, 10_000_000_000L);

    /**
     * GWA-T-12 Bitbrains (fastStorage and Rnd): a file per VM, fields separated by ';' and a tab,
     * a header line; 0 "Timestamp [ms]", ..., 5 "Memory capacity provisioned [KB]", 6 "Memory usage
     * [KB]", ... The published files hold seconds in the first column despite its name, so times
     * below 10^11 are read as seconds.
     */
    private static final Preset BITBRAINS = new Preset("bitbrains",
            new TraceShape(TraceShape.Layout.WIDE, List.of(), idx(0), idx(6), NONE, true, (byte) ';',
                    TraceShape.MS_OR_S, 1024, true, 0, 0),
            TraceSpec.Unit.BYTES, TraceSpec.Of.LIMIT, false, 300_000_000_000L);

    /**
     * Azure Functions 2019, invocations_per_function_md.anon.dNN.csv: a header; HashOwner, HashApp,
     * HashFunction, Trigger, then 1440 columns of invocations per minute of the file's day. A
     * series is a function; the files of a directory are consecutive days in name order.
     */
    private static final Preset AZURE = new Preset("azure-functions-2019",
            new TraceShape(TraceShape.Layout.ROWS, List.of(idx(2)), NONE, idx(4), NONE, true, (byte) ',', 1, 1, false,
                    60, 86_400),
            TraceSpec.Unit.BYTES, TraceSpec.Of.LIMIT, true, 60_000_000_000L);

    private static final List<Preset> ORDERED = List.of(GOOGLE, ALIBABA, BITBRAINS, AZURE);

    /** The names {@code format:} accepts besides long and wide. */
    public static final List<String> NAMES = ORDERED.stream().map(Preset::name).toList();

    private TracePresets() {
    }

    private static TraceSpec.Column idx(int i) {
        return new TraceSpec.Column(null, i);
    }

    /** The preset of that name, or null. */
    public static Preset get(String name) {
        return ORDERED.stream().filter(pr -> pr.name().equals(name)).findFirst().orElse(null);
    }
}
