package io.memfleet.kernel.memcg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The event rate limit counts a run of any length in one step: the counter, its two targets and
 * the last check are those of counting the run's events one at a time, checking each as
 * mem_cgroup_event_ratelimit() does.
 */
class MemcgEventsTest {
    /** One event at a time: a check at the first event past the threshold target, a soft-limit check past its own. */
    private static long oneByOne(long[] ev, long events) {
        long last = -1;
        for (long n = 0; n < events; n++) {
            ev[0]++;
            if (ev[1] - ev[0] < 0) {
                last = ev[0];
                if (ev[2] - ev[0] < 0) {
                    ev[2] = ev[0] + MemcgEvents.SOFTLIMIT_EVENTS_TARGET;
                }
                ev[1] = ev[0] + MemcgEvents.THRESHOLDS_EVENTS_TARGET;
            }
        }
        return last;
    }

    @Test
    void aRunOfEventsMovesTheTargetsAsItsEventsOneByOneDo() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            long base = rnd.nextInt(3) == 0 ? 0 : rnd.nextLong(1L << 40);
            long[] start = {base, base + rnd.nextLong(-200, 200), base + rnd.nextLong(-1200, 1200)};
            long events = rnd.nextInt(4) == 0 ? rnd.nextLong(1, 5000) : rnd.nextLong(1, 300);
            long[] slow = start.clone();
            long[] fast = start.clone();
            long want = oneByOne(slow, events);
            String where = events + " events from " + Arrays.toString(start);
            assertEquals(want, MemcgEvents.advance(fast, 0, events), where + ": the last check");
            assertArrayEquals(slow, fast, where);
        }
    }
}
