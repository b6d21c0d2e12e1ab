package io.memfleet.kernel.memcg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** kernel/res_counter.c: charges all the way up or not at all, failcnt, max_usage, unsigned limits. */
class ResCounterTest {
    private static ResCounter limited(ResCounter parent, long limitBytes) {
        ResCounter c = new ResCounter(parent);
        assertTrue(c.setLimit(limitBytes));
        return c;
    }

    private static long[] usages(ResCounter... counters) {
        long[] out = new long[counters.length];
        for (int i = 0; i < counters.length; i++) {
            out[i] = counters[i].usage();
        }
        return out;
    }

    @Test
    void chargeWithinLimitRaisesUsageAndMaxUsage() {
        ResCounter c = limited(null, 8192);
        assertNull(c.charge(4096));
        c.uncharge(4096);
        assertNull(c.charge(2048));
        assertEquals(2048, c.usage());
        assertEquals(4096, c.maxUsage());
        assertEquals(0, c.failcnt());
        c.resetMax();
        assertEquals(2048, c.maxUsage(), "a reset peak is the usage");
    }

    @Test
    void chargeBeyondLimitFailsAndCountsFailcnt() {
        ResCounter c = limited(null, 8192);
        assertNull(c.charge(8192));
        assertSame(c, c.charge(1));
        assertEquals(8192, c.usage(), "a refused charge leaves usage alone");
        assertEquals(1, c.failcnt());
        assertEquals(0, c.margin());
        c.resetFailcnt();
        assertEquals(0, c.failcnt());
    }

    @Test
    void chargeRefusedByAnAncestorLeavesNoLevelCharged() {
        ResCounter parent = limited(null, 4096);
        ResCounter child = new ResCounter(parent);
        ResCounter grandchild = new ResCounter(child);
        assertSame(parent, grandchild.charge(8192), "the counter that refused is returned");
        assertArrayEquals(new long[] {0, 0, 0}, usages(grandchild, child, parent));
        assertEquals(0, child.failcnt());
        assertEquals(1, parent.failcnt());
    }

    @Test
    void chargeNofailGoesOverTheLimitWithoutRaisingMaxUsage() {
        ResCounter parent = new ResCounter(null);
        ResCounter c = limited(parent, 4096);
        assertTrue(c.chargeNofail(8192), "some level went over");
        assertEquals(8192, c.usage());
        assertEquals(0, c.maxUsage(), "the refused level's peak is not moved");
        assertEquals(1, c.failcnt());
        assertEquals(8192, parent.maxUsage(), "a level with room charges as usual");
        assertFalse(parent.chargeNofail(1));
    }

    @Test
    void unchargeOfMoreThanTheUsageClampsAtZero() {
        ResCounter c = new ResCounter(null);
        assertNull(c.charge(4096));
        c.uncharge(8192);
        assertEquals(0, c.usage());
    }

    @Test
    void unchargeUntilStopsBelowTheGivenAncestor() {
        ResCounter top = new ResCounter(null);
        ResCounter middle = new ResCounter(top);
        ResCounter bottom = new ResCounter(middle);
        assertNull(bottom.charge(4096));
        bottom.unchargeUntil(4096, top);
        assertArrayEquals(new long[] {0, 0, 4096}, usages(bottom, middle, top));
    }

    @Test
    void limitBelowTheUsageIsRefused() {
        ResCounter c = new ResCounter(null);
        assertNull(c.charge(8192));
        assertFalse(c.setLimit(4096));
        assertEquals(ResCounter.RESOURCE_MAX, c.limit());
        assertTrue(c.setLimit(8192));
        assertEquals(8192, c.limit());
    }

    @Test
    void limitsCompareAsUnsignedValues() {
        ResCounter c = limited(null, -1L); // ULLONG_MAX: above RESOURCE_MAX
        assertNull(c.charge(Long.MAX_VALUE));
        assertEquals(-1L - Long.MAX_VALUE, c.margin());
    }

    @Test
    void hierarchicalMarginIsTheSmallestAlongTheChain() {
        ResCounter top = limited(null, 16384);
        ResCounter c = limited(top, 65536);
        assertNull(c.charge(4096));
        assertEquals(12288, c.hierarchicalMargin());
        assertEquals(61440, c.margin());
    }
}
