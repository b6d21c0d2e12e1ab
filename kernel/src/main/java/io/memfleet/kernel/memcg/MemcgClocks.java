package io.memfleet.kernel.memcg;

import io.memfleet.kernel.image.StatItem;
import io.memfleet.kernel.mm.PhysMem;
import io.memfleet.kernel.sim.StateWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The memory controller's counters that only count, read together: the node's vm events,
 * memory.stat's event counters and every failcnt; the per-CPU event counters with their targets;
 * the sequence numbers that age page-cache runs and order the soft-limit tree; the extents of
 * mapped runs (total_vm). The kernel acts on them only through the differences between a counter
 * and its targets, the order of the sequence numbers and whether an extent covers its run's pages,
 * never through their values. So two states that agree in everything else and in those
 * differences and orders go on alike, these counters advancing by the same steps:
 * {@link #fingerprint} is the state with them reduced to what the kernel reads, and
 * {@link #advance} moves them on by whole periods of a loop that repeats itself.
 */
public final class MemcgClocks {
    private static final StatItem[] EVENT_STATS = {StatItem.PGPGIN, StatItem.PGPGOUT, StatItem.PGFAULT,
        StatItem.PGMAJFAULT};

    private final MemController mc;
    private final TaskTable tasks;
    private final List<MemCgroup> groups;
    private final List<FileRun> runs;
    /** vm events, then per group its event statistics and its three failcnts. */
    private final long[] counts;
    /** Per group that has counted an event: each CPU's counter, threshold target and soft-limit target. */
    private final long[] events;
    /** Per CPU counter of {@link #events}: no check of it can act ({@link MemcgEvents#checksAct}), so it is a clock. */
    private final boolean[] quiet;
    /** The next page-cache sequence number, then each run's. */
    private final long[] seqs;
    /** Each run's extent. */
    private final long[] extents;
    /** The soft-limit tree's next sequence number, then each group's place. */
    private final long[] soft;

    private MemcgClocks(MemController mc, TaskTable tasks, List<MemCgroup> groups, List<FileRun> runs,
                        long[] counts, long[] events, boolean[] quiet, long[] seqs, long[] extents, long[] soft) {
        this.mc = mc;
        this.tasks = tasks;
        this.groups = groups;
        this.runs = runs;
        this.counts = counts;
        this.events = events;
        this.quiet = quiet;
        this.seqs = seqs;
        this.extents = extents;
        this.soft = soft;
    }

    /** The counters as they are now, in the memory controller and the tasks' page-cache runs. */
    public static MemcgClocks read(MemController mc, TaskTable tasks) {
        List<MemCgroup> groups = new ArrayList<>(mc.all);
        List<FileRun> runs = RunState.fileRunTable(mc, tasks);
        long[] counts = Arrays.copyOf(mc.mem().vmEvents(),
                PhysMem.VM_EVENTS + groups.size() * (EVENT_STATS.length + 3));
        int i = PhysMem.VM_EVENTS;
        int eventLongs = 0;
        for (MemCgroup g : groups) {
            for (StatItem s : EVENT_STATS) {
                counts[i++] = g.stat(s);
            }
            counts[i++] = g.res.failcnt;
            counts[i++] = g.memsw.failcnt;
            counts[i++] = g.kmem.failcnt;
            eventLongs += g.events == null ? 0 : g.events.length;
        }
        long[] events = new long[eventLongs];
        boolean[] quiet = new boolean[eventLongs / 3];
        long[] soft = new long[groups.size() + 1];
        soft[0] = mc.softLimit().seq;
        int e = 0;
        for (int k = 0; k < groups.size(); k++) {
            MemCgroup g = groups.get(k);
            if (g.events != null) {
                System.arraycopy(g.events, 0, events, e, g.events.length);
                Arrays.fill(quiet, e / 3, (e + g.events.length) / 3, !MemcgEvents.checksAct(g));
                e += g.events.length;
            }
            soft[k + 1] = g.softTreeSeq;
        }
        long[] seqs = new long[runs.size() + 1];
        long[] extents = new long[runs.size()];
        seqs[0] = mc.pages().fileSeq;
        for (int k = 0; k < runs.size(); k++) {
            seqs[k + 1] = runs.get(k).seq;
            extents[k] = runs.get(k).extent;
        }
        return new MemcgClocks(mc, tasks, groups, runs, counts, events, quiet, seqs, extents, soft);
    }

    /** Puts these values back into the objects they were read from. */
    private void write() {
        mc.mem().setVmEvents(Arrays.copyOf(counts, PhysMem.VM_EVENTS));
        int i = PhysMem.VM_EVENTS;
        int e = 0;
        for (int k = 0; k < groups.size(); k++) {
            MemCgroup g = groups.get(k);
            for (StatItem s : EVENT_STATS) {
                g.stat[s.ordinal()] = counts[i++];
            }
            g.res.failcnt = counts[i++];
            g.memsw.failcnt = counts[i++];
            g.kmem.failcnt = counts[i++];
            if (g.events != null) {
                System.arraycopy(events, e, g.events, 0, g.events.length);
                e += g.events.length;
            }
            g.softTreeSeq = soft[k + 1];
        }
        mc.softLimit().seq = soft[0];
        mc.pages().fileSeq = seqs[0];
        for (int k = 0; k < runs.size(); k++) {
            runs.get(k).seq = seqs[k + 1];
            runs.get(k).extent = extents[k];
        }
    }

    /**
     * The memory controller's checkpoint and the node's page counters, with these counters reduced
     * to what the kernel reads of them, followed by {@code extra}: equal fingerprints mean states
     * that go on alike. Only while nothing has changed since this {@link #read}: the reduced values
     * are written in for the checkpoint, then these put back.
     *
     * <p>The groups on the soft-limit tree are keys of its TreeSet, ordered by (usageInExcess,
     * softTreeSeq), and their softTreeSeq is rewritten here while they stay in it. That is safe only
     * because the ranks written keep the order of the values they replace among the groups on the
     * tree (those off it, which the set never compares, get 0), and nothing adds to, removes from
     * or searches the set until the values are back: the tree stays sorted throughout.
     */
    public byte[] fingerprint(long... extra) {
        reduced().write();
        try {
            StateWriter w = new StateWriter();
            MemcgState.save(mc, tasks, w);
            long[] mem = mc.mem().counters();
            w.longs(mem, mem.length);
            w.longs(extra, extra.length);
            return w.toByteArray();
        } finally {
            write();
        }
    }

    /**
     * Counts to zero, each event counter to 0 with its targets as distances from it (a quiet one
     * to -1 throughout), sequence numbers to their ranks (off the soft-limit tree a group's place is
     * never read: 0), extents to whether they cover their run's pages.
     */
    private MemcgClocks reduced() {
        long[] ev = events.clone();
        for (int i = 0; i + 2 < ev.length; i += 3) {
            if (quiet[i / 3]) {
                Arrays.fill(ev, i, i + 3, -1);
                continue;
            }
            ev[i + 1] -= ev[i];
            ev[i + 2] -= ev[i];
            ev[i] = 0;
        }
        long[] sq = ranks(seqs, null);
        long[] sf = ranks(soft, onTree());
        long[] ex = new long[extents.length];
        for (int k = 0; k < ex.length; k++) {
            long pages = runs.get(k).pages;
            ex[k] = extents[k] == pages ? 0 : extents[k] == 0 ? 1 : extents[k] > pages ? 2 : 3;
        }
        return new MemcgClocks(mc, tasks, groups, runs, new long[counts.length], ev, quiet, sq, ex, sf);
    }

    /** Per entry of {@link #soft}: whether its group is on the soft-limit tree now (its place is read only there). */
    private boolean[] onTree() {
        boolean[] on = new boolean[soft.length];
        for (int k = 0; k < groups.size(); k++) {
            on[k + 1] = groups.get(k).onSoftTree;
        }
        return on;
    }

    /** Each value after the first by its rank among the others (1 for the least); {@code only}: the rest to 0. */
    private static long[] ranks(long[] values, boolean[] only) {
        long[] sorted = new long[values.length - 1];
        int n = 0;
        for (int k = 1; k < values.length; k++) {
            if (only == null || only[k]) {
                sorted[n++] = values[k];
            }
        }
        Arrays.sort(sorted, 0, n);
        long[] out = new long[values.length];
        for (int k = 1; k < values.length; k++) {
            if (only == null || only[k]) {
                out[k] = Arrays.binarySearch(sorted, 0, n, values[k]) + 1L;
            }
        }
        return out;
    }

    /**
     * True when {@code a}, {@code b} and this were read one period apart in a loop that repeats:
     * each counter moved by the same step in both periods, the sequence numbers that moved all moved
     * with their source and stayed above those that did not (so no order changes however many
     * periods follow), and an extent grew only where it already exceeded its run.
     */
    public boolean repeats(MemcgClocks a, MemcgClocks b) {
        MemcgClocks c = this;
        if (!sameSteps(a.counts, b.counts, c.counts) || !eventsRepeat(a, b)
                || !sameSteps(a.seqs, b.seqs, c.seqs) || !sameSteps(a.extents, b.extents, c.extents)
                || !sameSteps(a.soft, b.soft, c.soft)) {
            return false;
        }
        if (!newestMoved(b.seqs, c.seqs, null) || !newestMoved(b.soft, c.soft, onTree())) {
            return false;
        }
        for (int k = 0; k < extents.length; k++) {
            long step = c.extents[k] - b.extents[k];
            if (step < 0 || step > 0 && c.extents[k] <= runs.get(k).pages) {
                return false;
            }
        }
        return true;
    }

    /** Every counter moved alike in both periods; a counter whose checks act moved its targets alike too. */
    private boolean eventsRepeat(MemcgClocks a, MemcgClocks b) {
        if (!Arrays.equals(a.quiet, quiet) || !Arrays.equals(b.quiet, quiet)) {
            return false;
        }
        for (int k = 0; k < events.length; k++) {
            boolean counter = k % 3 == 0;
            if ((counter || !quiet[k / 3]) && b.events[k] - a.events[k] != events[k] - b.events[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameSteps(long[] a, long[] b, long[] c) {
        if (a.length != b.length || b.length != c.length) {
            return false;
        }
        for (int k = 0; k < a.length; k++) {
            if (b[k] - a[k] != c[k] - b[k]) {
                return false;
            }
        }
        return true;
    }

    /** Each number after the first moved by 0 or by the first's step, and those that moved are above those that did not. */
    private static boolean newestMoved(long[] b, long[] c, boolean[] only) {
        long step = c[0] - b[0];
        long lowestMoved = Long.MAX_VALUE;
        long highestStill = Long.MIN_VALUE;
        for (int k = 1; k < c.length; k++) {
            long d = c[k] - b[k];
            if (d != 0 && d != step) {
                return false;
            }
            if (only == null || only[k]) {
                if (d != 0) {
                    lowestMoved = Math.min(lowestMoved, c[k]);
                } else {
                    highestStill = Math.max(highestStill, c[k]);
                }
            }
        }
        return lowestMoved == Long.MAX_VALUE || highestStill < lowestMoved;
    }

    /**
     * Moves the counters on by {@code periods} more periods of the step from {@code previous} to
     * these values, into the objects these were read from. False (nothing written) on overflow.
     */
    public boolean advance(MemcgClocks previous, long periods) {
        try {
            new MemcgClocks(mc, tasks, groups, runs, ahead(previous.counts, counts, periods),
                    eventsAhead(previous.events, periods), quiet, ahead(previous.seqs, seqs, periods),
                    ahead(previous.extents, extents, periods), ahead(previous.soft, soft, periods)).write();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    /** A quiet counter counts its periods' events through the rate limit; the others move on by their steps. */
    private long[] eventsAhead(long[] before, long periods) {
        long[] out = ahead(before, events, periods);
        for (int i = 0; i < events.length; i += 3) {
            if (quiet[i / 3]) {
                System.arraycopy(events, i, out, i, 3);
                MemcgEvents.advance(out, i, Math.multiplyExact(events[i] - before[i], periods));
            }
        }
        return out;
    }

    private static long[] ahead(long[] before, long[] now, long periods) {
        long[] out = new long[now.length];
        for (int k = 0; k < now.length; k++) {
            out[k] = Math.addExact(now[k], Math.multiplyExact(now[k] - before[k], periods));
        }
        return out;
    }
}
