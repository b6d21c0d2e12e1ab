package io.memfleet.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClusterWatchTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aClusterThatKeepsSendingIsNeverAsked() {
        ClusterWatch w = new ClusterWatch(0, 30 * S, 10 * S, 60 * S);
        for (long t = 0; t < 600 * S; t += S) {
            w.heard(t);
            assertFalse(w.probeDue(t));
        }
    }

    @Test
    void aQuietClusterIsAskedAndGoneOnlyAfterItStopsAnsweringForTheWholeGrace() {
        ClusterWatch w = new ClusterWatch(0, 30 * S, 10 * S, 60 * S);
        assertFalse(w.probeDue(29 * S));
        assertTrue(w.probeDue(30 * S));
        w.probed(30 * S, true);
        assertFalse(w.probeDue(35 * S), "asked again only after the probe interval");
        assertTrue(w.probeDue(60 * S));
        w.probed(60 * S, false);
        w.probed(100 * S, false);
        assertFalse(w.gone(119 * S), "60 s from the first failed answer, not from the last record");
        assertTrue(w.gone(120 * S));
    }

    @Test
    void anAnswerOrARecordResetsTheGrace() {
        ClusterWatch w = new ClusterWatch(0, 30 * S, 10 * S, 60 * S);
        w.probed(30 * S, false);
        w.probed(80 * S, true);
        assertFalse(w.gone(100 * S));
        w.probed(120 * S, false);
        w.heard(150 * S);
        assertFalse(w.gone(200 * S));
    }
}
