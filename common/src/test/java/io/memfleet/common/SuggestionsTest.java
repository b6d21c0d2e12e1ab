package io.memfleet.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> TOP = List.of("name", "seed", "nodes", "node", "kernel", "duration", "step",
            "telemetry_interval", "speed", "cgroups", "workloads", "variants", "rollouts");

    @Test
    void aSwapOfTwoLettersIsOneEditAway() {
        assertEquals(Optional.of("nodes"), Suggestions.closest("nodse", TOP));
        assertEquals(1, Suggestions.distance("nodse", "nodes"));
    }

    @Test
    void aMissingLetterOrAnAbbreviationFindsTheName() {
        assertEquals(Optional.of("dentry-walker"), Suggestions.closest("dentry-walkr",
                List.of("dentry-walker", "kmalloc-service", "trace", "trace-churn")));
        assertEquals(Optional.of("--timeout"), Suggestions.closest("--time", List.of("--out", "--timeout", "--force")));
        assertEquals(Optional.of("--out"), Suggestions.closest("--ouut", List.of("--out", "--timeout", "--force")));
    }

    @Test
    void aNameFarFromEveryKnownOneGetsNoSuggestion() {
        assertEquals(Optional.empty(), Suggestions.closest("colour", TOP));
        assertEquals("", Suggestions.didYouMean("x", TOP));
    }

    @Test
    void didYouMeanQuotesTheSuggestion() {
        assertEquals(" (did you mean 'duration'?)", Suggestions.didYouMean("duraton", TOP));
    }
}
