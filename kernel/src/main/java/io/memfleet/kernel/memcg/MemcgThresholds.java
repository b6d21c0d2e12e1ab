package io.memfleet.kernel.memcg;

import io.memfleet.kernel.mm.PhysMem;
import java.util.ArrayList;
import java.util.List;

/**
 * Notifications through cgroup.event_control: usage thresholds on memory.usage_in_bytes and
 * memory.memsw.usage_in_bytes (a sorted array with the index of the threshold just below usage,
 * checked when the event rate limit says so) and OOM notification on memory.oom_control. A
 * signalled eventfd is handed to the {@link Listener} as the line a watcher would print.
 */
public final class MemcgThresholds {
    public static final String USAGE = "memory.usage_in_bytes";
    public static final String MEMSW_USAGE = "memory.memsw.usage_in_bytes";
    public static final String OOM_CONTROL = "memory.oom_control";

    /** Receives each signal: {@code threshold} is -1 for an OOM notification. */
    public interface Listener {
        /** False once the listener takes no more signals during the command. */
        boolean signal(MemCgroup memcg, String file, long threshold);
    }

    /** One signal as the listener got it. */
    public record Signal(MemCgroup memcg, String file, long threshold) { }

    /** struct mem_cgroup_threshold_ary: thresholds ascending, current_threshold the last one below usage. */
    static final class Ary {
        long[] entries = new long[0];
        int current = -1;
    }

    /** One eventfd registered on a group: the file, and the threshold (-1 for OOM). */
    record Registration(String file, long threshold) { }

    /** One group's registrations: its two threshold arrays, its OOM eventfds and its event_list, newest first. */
    static final class Registry {
        final Ary usage = new Ary();
        final Ary memsw = new Ary();
        int oomEventfds;
        /** cgroup->event_list, newest first. */
        final List<Registration> events = new ArrayList<>();
    }

    private Listener listener = (g, f, t) -> false;
    /** Where signals are also written while a caller records them (null: nowhere). */
    private List<Signal> recording;

    MemcgThresholds() {
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    private void signal(MemCgroup g, String file, long threshold) {
        if (recording != null) {
            recording.add(new Signal(g, file, threshold));
        }
        listener.signal(g, file, threshold);
    }

    /** Also writes every signal into {@code into} from now on (null: stops). */
    public void record(List<Signal> into) {
        recording = into;
    }

    /** Signals {@code signals} again, {@code times} times over, until the listener takes no more. */
    public void replay(List<Signal> signals, long times) {
        for (long k = 0; k < times; k++) {
            for (Signal s : signals) {
                if (!listener.signal(s.memcg(), s.file(), s.threshold())) {
                    return;
                }
            }
        }
    }

    private static Registry registry(MemCgroup g) {
        if (g.notify == null) {
            g.notify = new Registry();
        }
        return g.notify;
    }

    private static void remember(Registry reg, String file, long threshold) {
        reg.events.add(0, new Registration(file, threshold));
    }

    /** Registers a usage threshold (already parsed and page-aligned); no signal for it now. */
    // kernel: mm/memcontrol.c mem_cgroup_usage_register_event()
    public void registerUsage(MemCgroup g, boolean swap, long threshold) {
        Registry reg = registry(g);
        Ary t = swap ? reg.memsw : reg.usage;
        if (t.entries.length > 0) {
            check(g, swap, 0, 0);
        }
        long usage = MemController.usage(g, swap);
        long[] e = java.util.Arrays.copyOf(t.entries, t.entries.length + 1);
        int at = e.length - 1;
        while (at > 0 && Long.compareUnsigned(e[at - 1], threshold) > 0) {
            e[at] = e[at - 1];
            at--;
        }
        e[at] = threshold;
        t.entries = e;
        t.current = -1;
        for (long x : e) {
            if (Long.compareUnsigned(x, usage) < 0) {
                t.current++;
            }
        }
        remember(reg, swap ? MEMSW_USAGE : USAGE, threshold);
    }

    /** Registers for OOM notification; a group already under OOM signals at once. */
    // kernel: mm/memcontrol.c mem_cgroup_oom_register_event()
    public void registerOom(MemCgroup g) {
        Registry reg = registry(g);
        reg.oomEventfds++;
        remember(reg, OOM_CONTROL, -1);
        if (g.underOom > 0) {
            signal(g, OOM_CONTROL, -1);
        }
    }

    /**
     * Signals the thresholds usage has crossed since the last check, downward ones from the
     * highest, then upward ones from the lowest. {@code pagesAhead} corrects the root's usage
     * (summed statistics), {@code counterAhead} another group's counter, for pages counted after
     * the check this stands for.
     */
    // kernel: mm/memcontrol.c __mem_cgroup_threshold()
    void check(MemCgroup g, boolean swap, long pagesAhead, long counterAhead) {
        Registry reg = g.notify;
        Ary t = reg == null ? null : swap ? reg.memsw : reg.usage;
        if (t == null || t.entries.length == 0) {
            return;
        }
        long usage = MemController.usage(g, swap) + (g.isRoot() ? pagesAhead : counterAhead) * PhysMem.PAGE_SIZE;
        String file = swap ? MEMSW_USAGE : USAGE;
        int i = t.current;
        for (; i >= 0 && Long.compareUnsigned(t.entries[i], usage) > 0; i--) {
            signal(g, file, t.entries[i]);
        }
        i++;
        for (; i < t.entries.length && Long.compareUnsigned(t.entries[i], usage) <= 0; i++) {
            signal(g, file, t.entries[i]);
        }
        t.current = i - 1;
    }

    /** The threshold checks of a group and the groups its counters are chained to. */
    // kernel: mm/memcontrol.c mem_cgroup_threshold()
    void thresholds(MemCgroup memcg, long pagesAhead, long resAhead, long memswAhead) {
        for (MemCgroup g = memcg; g != null; g = g.parentMemcg()) {
            if (g.notify != null) {
                check(g, false, pagesAhead, resAhead);
                check(g, true, pagesAhead, memswAhead);
            }
        }
    }

    /** Signals every OOM eventfd of the group and the groups a walk from it covers, in css id order. */
    // kernel: mm/memcontrol.c mem_cgroup_oom_notify()
    void oomNotify(MemCgroup memcg) {
        for (MemCgroup g : memcg.treeById()) {
            if (g.notify != null) {
                for (int k = 0; k < g.notify.oomEventfds; k++) {
                    signal(g, OOM_CONTROL, -1);
                }
            }
        }
    }

    /** rmdir signals every registration of the group, newest first, and forgets them. */
    // kernel: kernel/cgroup.c cgroup_rmdir(): eventfd_signal() for each event of cgrp->event_list
    void rmdir(MemCgroup g) {
        Registry reg = g.notify;
        if (reg == null) {
            return;
        }
        for (Registration e : reg.events) {
            signal(g, e.file(), e.threshold());
        }
        g.notify = null;
    }
}
