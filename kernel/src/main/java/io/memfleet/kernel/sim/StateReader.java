package io.memfleet.kernel.sim;

import java.nio.charset.StandardCharsets;

/** Reads what a {@link StateWriter} wrote, in the same order; a short or malformed stream throws. */
public final class StateReader {
    private final byte[] buf;
    private int pos;

    public StateReader(byte[] buf) {
        this.buf = buf;
    }

    /** A checkpoint that does not read back: truncated, or written by another format version. */
    public static final class CorruptStateException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public CorruptStateException(String message) {
            super(message);
        }
    }

    private byte next() {
        if (pos >= buf.length) {
            throw new CorruptStateException("checkpoint ends early at byte " + pos);
        }
        return buf[pos++];
    }

    public long u() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = next();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new CorruptStateException("bad varint at byte " + pos);
    }

    /** An unsigned varint that must fit an int (a count, an index, an id). */
    public int i() {
        long v = u();
        if (v > Integer.MAX_VALUE) {
            throw new CorruptStateException("value " + v + " out of range at byte " + pos);
        }
        return (int) v;
    }

    public long s() {
        long v = u();
        return (v >>> 1) ^ -(v & 1);
    }

    public boolean bool() {
        return next() != 0;
    }

    public String str() {
        int n = i();
        if (n == 0) {
            return null;
        }
        n--;
        if (n > buf.length - pos) {
            throw new CorruptStateException("string runs past the end at byte " + pos);
        }
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    public long[] longs() {
        int n = i();
        if (n > buf.length - pos) {
            throw new CorruptStateException("array runs past the end at byte " + pos);
        }
        long[] a = new long[n];
        for (int k = 0; k < n; k++) {
            a[k] = s();
        }
        return a;
    }

    /** Fails unless the whole stream was read. */
    public void expectEnd() {
        if (pos != buf.length) {
            throw new CorruptStateException((buf.length - pos) + " bytes left over after the checkpoint");
        }
    }

    /** Reads a marker written with {@code u(marker)}; a mismatch means the sections are out of step. */
    public void expect(long marker, String section) {
        long got = u();
        if (got != marker) {
            throw new CorruptStateException("expected section " + section + " at byte " + pos);
        }
    }
}
