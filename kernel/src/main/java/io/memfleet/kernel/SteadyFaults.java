package io.memfleet.kernel;

import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.MemController;
import io.memfleet.kernel.memcg.MemcgClocks;
import io.memfleet.kernel.memcg.MemcgStock;
import io.memfleet.kernel.memcg.MemcgThresholds;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.memcg.TaskTable;
import io.memfleet.kernel.mm.Klog;
import io.memfleet.kernel.mm.PhysMem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A long page-cache stream (file reads or a mapped file's faults) through a node or a group that
 * is full. Once reclaim gives back what each turn of the fault loop takes, the loop repeats
 * itself: after a fixed number of turns the node is where it was, but for counters that only
 * count ({@link MemcgClocks}), which have moved on by fixed steps. The rest of the stream is then
 * skipped by whole periods: the counters are advanced by as many steps and the signals the
 * periods send are sent again, which is the state and the output the turns one by one give.
 *
 * <p>A period is found in three steps: a cheap hash of what one turn changes (free pages, the
 * stock, the counters of the task's groups, its newest run) finds a candidate by Brent's cycle
 * search; the state with the counters reduced ({@link MemcgClocks#fingerprint}) must come back
 * after that many turns; and one more period must repeat the first exactly, counters' steps and
 * signals included. A stream that does not repeat (swap filling, other groups still giving pages
 * back) just runs on turn by turn; attempts are few, so that costs little. A turn takes what the
 * request has left only when that is less than what the turn would take anyway, so the turns
 * skipped stop short of the stream's end by the most any measured turn took.
 */
final class SteadyFaults {
    private static final int MAX_ATTEMPTS = 8;
    private static final int MAX_FINGERPRINTS = 32;
    /** Streams shorter than this run turn by turn: at most a few milliseconds. */
    private static final long MIN_PAGES = 1 << 12;

    private enum Phase { SEARCH, FIRST, SECOND, OFF }

    /**
     * What a watched stream reads and replays, the same for every stream of a node: the memory
     * controller and the tasks for {@link MemcgClocks}, the thresholds whose signals a period
     * sends, and what the cheap hash and the fingerprint look at.
     */
    record Node(MemController mc, TaskTable tasks, MemcgThresholds thresholds, MemcgStock stock, PhysMem mem,
                Klog klog, LongSupplier unusedDentries) { }

    private final Node node;
    private final Task task;
    private final long pages;
    /** Pages done at the last turn, and the most pages one turn of the periods being checked took. */
    private long lastDone;
    private long mostInATurn;

    private Phase phase = Phase.SEARCH;
    private int attempts;
    /** Brent's search: the tortoise's hash, the power of two it waits for, turns since it moved. */
    private long tortoise;
    private long power = 1;
    private long lam;
    private long candidate;
    /** The period being checked: its start's hash, fingerprint, counters and pages done; turns since. */
    private long hash0;
    private byte[] print0;
    private int prints;
    private long turns;
    private long period;
    private final MemcgClocks[] clocks = new MemcgClocks[2];
    private final long[] doneAt = new long[2];
    private final List<MemcgThresholds.Signal> signals = new ArrayList<>();
    private int firstSignals;

    SteadyFaults(Node node, Task task, long pages) {
        this.node = node;
        this.task = task;
        this.pages = pages;
    }

    /** A stream worth watching: long enough that skipping its periods saves more than it costs. */
    static boolean worthWatching(long pages) {
        return pages >= MIN_PAGES;
    }

    /**
     * Called after every turn of the fault loop with the pages done so far; returns the pages
     * done, more than {@code done} when whole periods were skipped.
     */
    long turn(long done, boolean exact) {
        if (phase == Phase.OFF) {
            return done;
        }
        mostInATurn = Math.max(mostInATurn, done - lastDone);
        lastDone = done;
        return switch (phase) {
            case SEARCH -> search(cheapHash(exact), done, exact);
            case FIRST -> first(cheapHash(exact), done, exact);
            default -> second(done, exact);
        };
    }

    // Brent's cycle search on the cheap hash
    private long search(long h, long done, boolean exact) {
        lam++;
        if (h == tortoise) {
            MemcgClocks now = MemcgClocks.read(node.mc(), node.tasks());
            candidate = lam;
            hash0 = h;
            print0 = fingerprint(now, exact);
            prints = 1;
            turns = 0;
            clocks[0] = now;
            doneAt[0] = done;
            signals.clear();
            node.thresholds().record(signals);
            mostInATurn = 0;
            phase = Phase.FIRST;
        } else if (lam == power) {
            tortoise = h;
            power <<= 1;
            lam = 0;
        }
        return done;
    }

    /** Waits for the state of the period's start to come back: that is one period. */
    private long first(long h, long done, boolean exact) {
        turns++;
        if (h != hash0) {
            if (turns > MAX_FINGERPRINTS * candidate) {
                retry();
            }
            return done;
        }
        MemcgClocks now = MemcgClocks.read(node.mc(), node.tasks());
        if (!Arrays.equals(print0, fingerprint(now, exact))) {
            if (++prints > MAX_FINGERPRINTS) {
                retry();
            }
            return done;
        }
        period = turns;
        clocks[1] = now;
        doneAt[1] = done;
        firstSignals = signals.size();
        phase = Phase.SECOND;
        return done;
    }

    /** After a second period the same as the first, skips as many more as the stream leaves room for. */
    private long second(long done, boolean exact) {
        if (++turns < 2 * period) {
            return done;
        }
        MemcgClocks now = MemcgClocks.read(node.mc(), node.tasks());
        long step = done - doneAt[1];
        boolean same = step == doneAt[1] - doneAt[0] && step > 0 && Arrays.equals(print0, fingerprint(now, exact))
                && now.repeats(clocks[0], clocks[1])
                && signals.subList(0, firstSignals).equals(signals.subList(firstSignals, signals.size()));
        if (!same) {
            retry();
            return done;
        }
        long periods = (pages - done - mostInATurn) / step;
        List<MemcgThresholds.Signal> once = new ArrayList<>(signals.subList(firstSignals, signals.size()));
        stop();
        if (periods <= 0 || !now.advance(clocks[1], periods)) {
            return done;
        }
        if (!once.isEmpty()) {
            node.thresholds().replay(once, periods);
        }
        return done + periods * step;
    }

    private void retry() {
        node.thresholds().record(null);
        clocks[0] = null;
        clocks[1] = null;
        print0 = null;
        if (++attempts >= MAX_ATTEMPTS) {
            phase = Phase.OFF;
            return;
        }
        phase = Phase.SEARCH;
        power = 1;
        lam = 0;
        tortoise = 0;
    }

    /** No more periods to find: the stream has ended, or its periods were skipped. */
    void stop() {
        if (phase != Phase.OFF) {
            node.thresholds().record(null);
            phase = Phase.OFF;
        }
    }

    /** {@code now}: the counters read this turn. */
    private byte[] fingerprint(MemcgClocks now, boolean exact) {
        return now.fingerprint(node.klog().unread().size(), node.klog().dropped(), node.unusedDentries().getAsLong(),
                exact ? 1 : 0);
    }

    /** What one turn of the loop changes: free pages, this CPU's stock, the task's groups and its newest run. */
    private long cheapHash(boolean exact) {
        PhysMem mem = node.mem();
        MemcgStock stock = node.stock();
        int cpu = task.cpu();
        MemCgroup cached = stock.cached(cpu);
        long h = mix(exact ? 1 : 0, mem.freePages());
        h = mix(h, mem.cachePages());
        h = mix(h, cached == null ? 0 : cached.id());
        h = mix(h, stock.nrPages(cpu));
        for (MemCgroup g = task.memcg(); g != null; g = g.parent()) {
            h = mix(h, g.res().usage());
            h = mix(h, g.memsw().usage());
            h = mix(h, g.eventPhase(cpu)); // up to the root
        }
        h = mix(h, task.files.size());
        h = mix(h, task.mmaps.size());
        h = mix(h, task.files.isEmpty() ? -1 : task.files.get(task.files.size() - 1).pages);
        return mix(h, task.mmaps.isEmpty() ? -1 : task.mmaps.get(task.mmaps.size() - 1).pages);
    }

    private static long mix(long h, long v) {
        long x = (h ^ v) * 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 29);
    }
}
