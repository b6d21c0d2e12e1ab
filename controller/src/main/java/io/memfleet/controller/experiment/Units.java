package io.memfleet.controller.experiment;

/** Sizes (k/M/G suffixes, binary) and durations (ns/us/ms/s/m) in experiment files. */
final class Units {
    private Units() {
    }

    static Long parseSize(String s) {
        if (s.isEmpty()) {
            return null;
        }
        int shift = switch (Character.toLowerCase(s.charAt(s.length() - 1))) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        try {
            long v = Long.parseLong(digits);
            return v > (Long.MAX_VALUE >> shift) ? null : v << shift;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Long parseDuration(String s) {
        return io.memfleet.common.Durations.parseNs(s);
    }

    /** A plain number or a size. */
    static Long parseAmount(String s) {
        return parseSize(s);
    }
}
