package io.memfleet.common;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" for a mistyped name (a field of an experiment file, a workload model, a flag,
 * a command): the known name fewest edits away, where an edit inserts, deletes or replaces one
 * character or swaps two neighbours (the optimal string alignment distance), or a known name the
 * typed one abbreviates. A name too far from every known one gets no suggestion: a guess that is
 * wrong costs more than none.
 */
public final class Suggestions {
    private Suggestions() {
    }

    /** The known name closest to {@code typed}, if one is near enough to be what was meant. */
    public static Optional<String> closest(String typed, Collection<String> known) {
        String t = bare(typed);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        int allowed = Math.min(3, Math.max(1, (t.length() + 1) / 3));
        String best = null;
        long bestRank = Long.MAX_VALUE;
        for (String k : known.stream().sorted().toList()) {
            String b = bare(k);
            if (b.equals(t)) {
                continue;
            }
            int d = b.startsWith(t) && t.length() >= 2 ? 1 : distance(t, b);
            // fewest edits first; between equals, the name of the typed one's length (nodse: nodes, not node)
            long rank = (long) d << 32 | Math.abs(b.length() - t.length());
            if (d <= allowed && rank < bestRank) {
                best = k;
                bestRank = rank;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code " (did you mean 'x'?)"} for the closest known name, or the empty string. */
    public static String didYouMean(String typed, Collection<String> known) {
        return closest(typed, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
    }

    /** Edits from {@code a} to {@code b}: insertions, deletions, replacements and swaps of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }

    /** A name without its leading dashes, in lower case: {@code --Out} and {@code out} are the same name. */
    private static String bare(String name) {
        int i = 0;
        while (i < name.length() && name.charAt(i) == '-') {
            i++;
        }
        return name.substring(i).toLowerCase(Locale.ROOT);
    }
}
