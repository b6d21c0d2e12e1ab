package io.memfleet.kernel.script;

/** SIZE tokens of the script: a decimal integer with an optional k/K/m/M/g/G suffix. */
final class Sizes {
    private Sizes() {
    }

    static long parse(String s, ScriptParser.Args a) {
        if (s.isEmpty()) {
            throw a.error("missing size");
        }
        int shift = switch (s.charAt(s.length() - 1)) {
            case 'k', 'K' -> 10;
            case 'm', 'M' -> 20;
            case 'g', 'G' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        if (digits.isEmpty()) {
            throw a.error("bad size '" + s + "'");
        }
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw a.error("bad size '" + s + "'");
            }
            if (v > (Long.MAX_VALUE - (c - '0')) / 10) {
                throw a.error("size out of range '" + s + "'");
            }
            v = v * 10 + (c - '0');
        }
        if (v > (Long.MAX_VALUE >> shift)) {
            throw a.error("size out of range '" + s + "'");
        }
        return v << shift;
    }
}
