package io.memfleet.kernel.api;

/**
 * The one parser of SIZE and DURATION tokens (SIM-SCRIPT.md): a SIZE is a decimal integer with an
 * optional k/K/m/M/g/G suffix (powers of 1024), a DURATION a decimal integer with ns, us, ms, s,
 * m, h or d (SIM-SCRIPT.md names the first five; hours and days are memfleet's, for experiments and
 * flags that span a day). Scripts, experiment files and command-line flags all read sizes and durations through here;
 * the kernel's own memparse (control-file writes) stays in {@code fs.Memparse}.
 */
public final class Units {
    private Units() {
    }

    /** Bytes of a SIZE token. */
    public static long parseSize(CharSequence s) {
        return parseSize(s, 0, s.length());
    }

    /** Bytes of the SIZE token in {@code s[from, to)}; reads without creating strings. */
    public static long parseSize(CharSequence s, int from, int to) {
        if (from >= to) {
            throw new InvalidCommandException("missing size");
        }
        int shift = switch (s.charAt(to - 1)) {
            case 'k', 'K' -> 10;
            case 'm', 'M' -> 20;
            case 'g', 'G' -> 30;
            default -> 0;
        };
        int digitsEnd = shift == 0 ? to : to - 1;
        if (digitsEnd == from) {
            throw new InvalidCommandException("bad size '" + s.subSequence(from, to) + "'");
        }
        long v = 0;
        for (int i = from; i < digitsEnd; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new InvalidCommandException("bad size '" + s.subSequence(from, to) + "'");
            }
            if (v > (Long.MAX_VALUE - (c - '0')) / 10) {
                throw new InvalidCommandException("size out of range '" + s.subSequence(from, to) + "'");
            }
            v = v * 10 + (c - '0');
        }
        if (v > (Long.MAX_VALUE >> shift)) {
            throw new InvalidCommandException("size out of range '" + s.subSequence(from, to) + "'");
        }
        return v << shift;
    }

    /**
     * Nanoseconds of a DURATION token of a script: SIM-SCRIPT's units only (ns, us, ms, s, m); the
     * hours and days of experiment files and flags are a syntax error in a script, as the contract says.
     */
    public static long parseScriptDuration(String s) {
        if (s.endsWith("h") || s.endsWith("d")) {
            throw new InvalidCommandException("bad duration unit in '" + s + "' (ns, us, ms, s, m)");
        }
        return parseDuration(s);
    }

    /** Nanoseconds of a duration of an experiment file or a flag: ns, us, ms, s, m, h or d. */
    public static long parseDuration(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == 0) {
            throw new InvalidCommandException("bad duration '" + s + "'");
        }
        long mult = switch (s.substring(i)) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> throw new InvalidCommandException("bad duration unit in '" + s + "' (ns, us, ms, s, m, h, d)");
        };
        long v;
        try {
            v = Long.parseLong(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new InvalidCommandException("duration out of range '" + s + "'");
        }
        if (v > Command.Tick.MAX_NS / mult) {
            throw new InvalidCommandException("duration out of range '" + s + "'");
        }
        return v * mult;
    }

    /** A DURATION token for {@code ns}: the largest exact unit. */
    public static String formatDuration(long ns) {
        if (ns != 0 && ns % 60_000_000_000L == 0) {
            return ns / 60_000_000_000L + "m";
        }
        if (ns != 0 && ns % 1_000_000_000L == 0) {
            return ns / 1_000_000_000L + "s";
        }
        if (ns != 0 && ns % 1_000_000L == 0) {
            return ns / 1_000_000L + "ms";
        }
        if (ns != 0 && ns % 1_000L == 0) {
            return ns / 1_000L + "us";
        }
        return ns + "ns";
    }
}
