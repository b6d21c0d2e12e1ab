package io.memfleet.agent.core;

import java.util.Arrays;

/** An append-only log of length-prefixed (varint) byte chunks, unsynchronized. */
final class ByteLog {
    private byte[] buf = new byte[64];
    private int size;

    void append(byte[] chunk) {
        ensure(size + 5 + chunk.length);
        int n = chunk.length;
        while ((n & ~0x7f) != 0) {
            buf[size++] = (byte) ((n & 0x7f) | 0x80);
            n >>>= 7;
        }
        buf[size++] = (byte) n;
        System.arraycopy(chunk, 0, buf, size, chunk.length);
        size += chunk.length;
    }

    private void ensure(int capacity) {
        if (capacity > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(capacity, buf.length + (buf.length >> 1)));
        }
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Calls {@code each} with every chunk of {@code log} in order. */
    static void forEach(byte[] log, java.util.function.Consumer<byte[]> each) {
        int i = 0;
        while (i < log.length) {
            int n = 0;
            int shift = 0;
            byte b;
            do {
                b = log[i++];
                n |= (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            each.accept(Arrays.copyOfRange(log, i, i + n));
            i += n;
        }
    }
}
