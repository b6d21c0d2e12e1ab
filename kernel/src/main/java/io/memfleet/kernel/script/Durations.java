package io.memfleet.kernel.script;

/** DURATION tokens: a decimal integer with a unit ns, us, ms, s or m. */
final class Durations {
    private Durations() {
    }

    static long parse(String s, ScriptParser.Tokens a) {
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) <= '9') {
            i++;
        }
        if (i == 0) {
            throw a.error("bad duration '" + s + "'");
        }
        long mult = switch (s.substring(i)) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> throw a.error("bad duration unit in '" + s + "' (ns, us, ms, s, m)");
        };
        long v;
        try {
            v = Long.parseLong(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw a.error("duration out of range '" + s + "'");
        }
        if (v > Long.MAX_VALUE / mult / 4) {
            throw a.error("duration out of range '" + s + "'");
        }
        return v * mult;
    }
}
