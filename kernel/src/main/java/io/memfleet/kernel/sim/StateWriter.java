package io.memfleet.kernel.sim;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte stream a kernel checkpoint is written to: varints, zigzag varints, booleans and
 * strings into a growable array. Every subsystem writes its own state; the order of writes is
 * the format, read back by {@link StateReader} in the same order.
 */
public final class StateWriter {
    private byte[] buf = new byte[4096];
    private int size;

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(size + more, buf.length * 2));
        }
    }

    /** An unsigned varint (values below 2^63). */
    public void u(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    /** A signed value, zigzag encoded. */
    public void s(long v) {
        u((v << 1) ^ (v >> 63));
    }

    public void bool(boolean b) {
        ensure(1);
        buf[size++] = (byte) (b ? 1 : 0);
    }

    /** A string, or null. */
    public void str(String s) {
        if (s == null) {
            u(0);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u(b.length + 1L);
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    public void longs(long[] a, int n) {
        u(n);
        for (int i = 0; i < n; i++) {
            s(a[i]);
        }
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
