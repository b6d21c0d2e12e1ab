package io.memfleet.report;

import java.util.Locale;

/** Human units for tables: bytes in B, KiB, MiB or GiB (KiB below 1 MiB, never "0.0 MiB"). */
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
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        if (b < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.2f GiB", b / 1073741824.0);
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
