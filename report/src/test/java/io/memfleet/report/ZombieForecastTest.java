package io.memfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ZombieForecastTest {
    private static final double DAY = 86_400;

    private static double[] days(double... d) {
        double[] s = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            s[i] = d[i] * DAY;
        }
        return s;
    }

    @Test
    void aSeriesThatCrossesTheCeilingIsDatedByItsFirstSampleThere() {
        double[] t = days(1, 2, 3, 4);
        ZombieForecast.Forecast f = ZombieForecast.of(t, new long[] {100, 200, 300, 400},
                new long[] {30_000, 60_000, 65_535, 65_535}, new long[] {0, 0, 0, 0});
        assertEquals(ZombieForecast.Kind.REACHED, f.first().kind());
        assertEquals(3 * DAY, f.first().seconds());
        assertEquals(ZombieForecast.Kind.EXTRAPOLATED, f.median().kind());
        assertEquals("reached at day 3.0 of the run", f.first().describe(f.runSeconds()));
    }

    @Test
    void aGrowingSeriesIsExtendedAlongTheLineOfItsLaterHalf() {
        // days 0-4 grow by 1,000 a day, then 2,000 a day: the later half (days 5-10) alone sets the line
        double[] t = days(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        long[] v = {1, 1_001, 2_001, 3_001, 4_001, 5_001, 7_001, 9_001, 11_001, 13_001, 15_001};
        ZombieForecast.Forecast f = ZombieForecast.of(t, v, v, v);
        assertEquals(2_000, f.cssIdsMedian().perDay(), 1e-6);
        assertEquals(5 * DAY, f.cssIdsMedian().fromSeconds());
        assertEquals(6, f.cssIdsMedian().samples());
        assertEquals(ZombieForecast.Kind.EXTRAPOLATED, f.median().kind());
        // 15,001 at day 10, 50,534 to go at 2,000 a day: day 35.267
        assertEquals(10 + 50_534 / 2_000.0, f.median().seconds() / DAY, 1e-6);
        assertEquals("about day 35.3 (extrapolated; the run ended at day 10.0)", f.median().describe(f.runSeconds()));
    }

    @Test
    void aFlatOrShrinkingSeriesNeverReachesTheCeiling() {
        double[] t = days(1, 2, 3, 4);
        ZombieForecast.Forecast f = ZombieForecast.of(t, new long[] {5, 5, 5, 5}, new long[] {90, 80, 70, 60},
                new long[] {0, 0, 0, 0});
        assertEquals(ZombieForecast.Kind.NEVER, f.median().kind());
        assertEquals(ZombieForecast.Kind.NEVER, f.first().kind());
        assertTrue(f.cssIdsFirst().perDay() < 0);
        assertEquals("never (not growing over the later half of the run)", f.median().describe(f.runSeconds()));
    }

    @Test
    void liveJobsComingAndGoingAreNotGrowth() {
        // 2 or 3 ids (the root, /jobs and a job that is live at some samples): the line rises by less than one id
        double[] t = days(0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2);
        ZombieForecast.Forecast f = ZombieForecast.of(t, new long[] {3, 2, 3, 2, 3, 2, 2, 3},
                new long[] {3, 2, 3, 2, 3, 2, 2, 3}, new long[8]);
        assertTrue(f.cssIdsFirst().perDay() > 0, "a slight upward slope: " + f.cssIdsFirst());
        assertEquals(ZombieForecast.Kind.NEVER, f.first().kind());
    }

    @Test
    void oneSampleGivesNoGrowth() {
        ZombieForecast.Forecast f = ZombieForecast.of(days(1), new long[] {7}, new long[] {9}, new long[] {0});
        assertEquals(0, f.cssIdsMedian().perDay());
        assertEquals(ZombieForecast.Kind.NEVER, f.first().kind());
    }

    @Test
    void growthIsPrintedWithOneDecimalAtMost() {
        assertEquals("288", ZombieForecast.perDay(288));
        assertEquals("205.7", ZombieForecast.perDay(205.66));
        assertEquals("0", ZombieForecast.perDay(0.0004));
        assertEquals("0", ZombieForecast.perDay(-0.0004));
    }
}
