package io.memfleet.report;

import java.util.Locale;

/** Human units for tables: bytes in B, KiB, MiB or GiB (KiB below 1 MiB, never "0.0 MiB"; 32 MiB, not 32.0 MiB). */
public final class Units {
    private Units() {
    }

    public static String bytes(long b) {
        if (b < 0) {
            return Long.toUnsignedString(b) + " B";
        }
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1L << 20) {
            return round(String.format(Locale.ROOT, "%.1f", b / 1024.0)) + " KiB";
        }
        if (b < 1L << 30) {
            return round(String.format(Locale.ROOT, "%.1f", b / 1048576.0)) + " MiB";
        }
        return round(String.format(Locale.ROOT, "%.2f", b / 1073741824.0)) + " GiB";
    }

    /** A figure without the zeros that say nothing: 32.0 is 32, 1.50 is 1.5. */
    private static String round(String figure) {
        String s = figure;
        while (s.contains(".") && (s.endsWith("0") || s.endsWith("."))) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** A number as a person writes it: whole numbers without decimals, others with up to three. */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new java.math.BigDecimal(v).setScale(3, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros()
                .toPlainString();
    }

    /** Simulated seconds: "10 s", "2.5 s". */
    public static String seconds(double s) {
        return number(s) + " s";
    }

    /** A change as a signed percentage, or "new" when the baseline is 0 and the value is not. */
    public static String percent(long base, long value) {
        if (base == value) {
            return "0%";
        }
        if (base == 0) {
            return "new";
        }
        return String.format(Locale.ROOT, "%+.1f%%", 100.0 * (value - base) / base);
    }
}
