package io.memfleet.common;

/** Durations in configuration and experiment files: a whole number with ns, us, ms, s or m. */
public final class Durations {
    private Durations() {
    }

    /** Nanoseconds, or null when the text is not a duration (or overflows). */
    public static Long parseNs(String s) {
        String[][] units = {{"ns", "1"}, {"us", "1000"}, {"ms", "1000000"}, {"s", "1000000000"}, {"m", "60000000000"}};
        for (String[] u : units) {
            if (s.endsWith(u[0]) && s.length() > u[0].length()) {
                String num = s.substring(0, s.length() - u[0].length());
                if (!num.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return null;
                }
                try {
                    return Math.multiplyExact(Long.parseLong(num), Long.parseLong(u[1]));
                } catch (NumberFormatException | ArithmeticException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
