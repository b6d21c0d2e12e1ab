package io.memfleet.controller.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memfleet.controller.http.StreamPacer.Action;
import org.junit.jupiter.api.Test;

class StreamPacerTest {
    @Test
    void aClientThatKeepsUpGetsEveryPeriodsPoints() {
        StreamPacer p = new StreamPacer(3);
        for (int i = 0; i < 10; i++) {
            assertEquals(Action.SEND, p.period(false));
        }
    }

    @Test
    void aClientThatFellBehindIsSkippedThenResynced() {
        StreamPacer p = new StreamPacer(3);
        assertEquals(Action.SKIP, p.period(true));
        assertEquals(Action.SKIP, p.period(true));
        assertEquals(Action.RESYNC, p.period(false), "the first message after a skip carries every point");
        assertEquals(Action.SEND, p.period(false));
    }

    @Test
    void aClientBehindForMaxPeriodsInARowIsDropped() {
        StreamPacer p = new StreamPacer(3);
        assertEquals(Action.SKIP, p.period(true));
        assertEquals(Action.SKIP, p.period(true));
        assertEquals(Action.DROP, p.period(true));
    }

    @Test
    void catchingUpStartsTheCountAgain() {
        StreamPacer p = new StreamPacer(2);
        assertEquals(Action.SKIP, p.period(true));
        assertEquals(Action.RESYNC, p.period(false));
        assertEquals(Action.SKIP, p.period(true), "one full period after catching up is not yet two in a row");
        assertEquals(Action.DROP, p.period(true));
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StreamPacer(0));
    }
}
