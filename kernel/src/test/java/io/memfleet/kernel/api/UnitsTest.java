package io.memfleet.kernel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void durationsTakeEveryUnitFromNanosecondsToDays() {
        assertEquals(5L, Units.parseDuration("5ns"));
        assertEquals(5_000L, Units.parseDuration("5us"));
        assertEquals(500_000_000L, Units.parseDuration("500ms"));
        assertEquals(2_000_000_000L, Units.parseDuration("2s"));
        assertEquals(60_000_000_000L, Units.parseDuration("1m"));
        assertEquals(3_600_000_000_000L, Units.parseDuration("1h"));
        assertEquals(2 * 86_400_000_000_000L, Units.parseDuration("2d"));
    }

    @Test
    void anUnknownUnitIsRefusedListingTheUnits() {
        InvalidCommandException e = assertThrows(InvalidCommandException.class, () -> Units.parseDuration("1w"));
        assertTrue(e.getMessage().endsWith("(ns, us, ms, s, m, h, d)"), e.getMessage());
        assertThrows(InvalidCommandException.class, () -> Units.parseDuration("1000000000d"));
    }
}
