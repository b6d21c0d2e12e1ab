package io.memfleet.kernel.script;

/** SIZE tokens of the script: a decimal integer with an optional k/K/m/M/g/G suffix. */
final class Sizes {
    private Sizes() {
    }

    static long parse(String s, ScriptParser.Tokens t) {
        return parse(s, 0, s.length(), t);
    }

    static long parse(String s, int from, int to, ScriptParser.Tokens t) {
        if (from >= to) {
            throw t.error("missing size");
        }
        int shift = switch (s.charAt(to - 1)) {
            case 'k', 'K' -> 10;
            case 'm', 'M' -> 20;
            case 'g', 'G' -> 30;
            default -> 0;
        };
        int digitsEnd = shift == 0 ? to : to - 1;
        if (digitsEnd == from) {
            throw t.error("bad size '" + s.substring(from, to) + "'");
        }
        long v = 0;
        for (int i = from; i < digitsEnd; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw t.error("bad size '" + s.substring(from, to) + "'");
            }
            if (v > (Long.MAX_VALUE - (c - '0')) / 10) {
                throw t.error("size out of range '" + s.substring(from, to) + "'");
            }
            v = v * 10 + (c - '0');
        }
        if (v > (Long.MAX_VALUE >> shift)) {
            throw t.error("size out of range '" + s.substring(from, to) + "'");
        }
        return v << shift;
    }
}
