package io.memfleet.kernel.fs;

/**
 * The kernel's number parsers as cgroupfs uses them: simple_strtoull with base detection, memparse
 * with k/m/g suffixes, and res_counter_memparse_write_strategy. Arithmetic wraps at 64 bits as the
 * kernel's does; a null result means -EINVAL.
 */
public final class Memparse {
    public static final long PAGE_SIZE = 4096;
    public static final long RESOURCE_MAX = Long.MAX_VALUE;

    private Memparse() {
    }

    /** Parse state: the value and where parsing stopped. */
    record Parsed(long value, int end) { }

    // kernel: lib/vsprintf.c simple_strtoull()
    static Parsed strtoull(String s, int start, int base) {
        int i = start;
        if (base == 0) {
            if (i < s.length() && s.charAt(i) == '0') {
                if (i + 2 < s.length() && Character.toLowerCase(s.charAt(i + 1)) == 'x'
                        && Character.digit(s.charAt(i + 2), 16) >= 0) {
                    base = 16;
                    i += 2;
                } else {
                    base = 8;
                }
            } else {
                base = 10;
            }
        } else if (base == 16 && i + 1 < s.length() && s.charAt(i) == '0'
                && Character.toLowerCase(s.charAt(i + 1)) == 'x') {
            i += 2;
        }
        long v = 0;
        while (i < s.length()) {
            int d = Character.digit(s.charAt(i), base);
            if (d < 0 || s.charAt(i) > 'z') {
                break;
            }
            v = v * base + d;
            i++;
        }
        return new Parsed(v, i);
    }

    // kernel: lib/cmdline.c memparse()
    static Parsed memparse(String s) {
        Parsed p = strtoull(s, 0, 0);
        long v = p.value();
        int end = p.end();
        if (end < s.length()) {
            switch (s.charAt(end)) {
                case 'G', 'g' -> {
                    v <<= 30;
                    end++;
                }
                case 'M', 'm' -> {
                    v <<= 20;
                    end++;
                }
                case 'K', 'k' -> {
                    v <<= 10;
                    end++;
                }
                default -> { }
            }
        }
        return new Parsed(v, end);
    }

    /** Parses a limit write: "-1" is unlimited, otherwise memparse rounded up to a page. Null: EINVAL. */
    // kernel: kernel/res_counter.c res_counter_memparse_write_strategy()
    public static Long limitValue(String buf) {
        String s = buf.strip();
        if (s.startsWith("-")) {
            Parsed p = strtoull(s, 1, 10);
            if (p.value() != 1 || p.end() != s.length()) {
                return null;
            }
            return RESOURCE_MAX;
        }
        Parsed p = memparse(s);
        if (p.end() != s.length()) {
            return null;
        }
        return (p.value() + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    }

    /** Parses a write_u64 file's value. Null: EINVAL. */
    // kernel: kernel/cgroup.c cgroup_write_X64()
    public static Long u64Value(String buf) {
        String s = buf.strip();
        Parsed p = strtoull(s, 0, 0);
        if (p.end() != s.length()) {
            return null;
        }
        return p.value();
    }

    /** An int written to a /proc file, or the errno of the write: EINVAL (not a number), ERANGE (past an int). */
    public record IntValue(io.memfleet.kernel.api.Errno errno, int value) { }

    /**
     * kstrtoint(strstrip(buf), 0): an optional sign, then 0x hex, 0 octal or decimal, the whole
     * string. The callers pass at most 12 characters, so the digits never wrap a 64-bit value.
     */
    // kernel: lib/kstrtox.c kstrtoint()
    public static IntValue kstrtoint(String buf) {
        String s = buf.strip();
        int i = s.startsWith("+") || s.startsWith("-") ? 1 : 0;
        Parsed p = strtoull(s, i, 0);
        if (p.end() == i || p.end() != s.length()) {
            return new IntValue(io.memfleet.kernel.api.Errno.EINVAL, 0);
        }
        long v = s.startsWith("-") ? -p.value() : p.value();
        if (p.value() < 0 || v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            return new IntValue(io.memfleet.kernel.api.Errno.ERANGE, 0);
        }
        return new IntValue(io.memfleet.kernel.api.Errno.OK, (int) v);
    }

    /**
     * sscanf(s, " %d %d ...") for {@code n} numbers: each after optional whitespace, an optional
     * sign and decimal digits, wrapping as simple_strtol does; the rest is ignored. Null if fewer match.
     */
    // kernel: lib/vsprintf.c vsscanf() with %d
    public static int[] scanInts(String s, int n) {
        int[] out = new int[n];
        int i = 0;
        for (int k = 0; k < n; k++) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            boolean negative = i < s.length() && s.charAt(i) == '-';
            if (i < s.length() && (negative || s.charAt(i) == '+')) {
                i++;
            }
            Parsed p = strtoull(s, i, 10);
            if (p.end() == i) {
                return null;
            }
            out[k] = (int) (negative ? -p.value() : p.value());
            i = p.end();
        }
        return out;
    }
}
