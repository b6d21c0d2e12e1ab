package io.memfleet.agent.core;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The events a node applied since its last stored snapshot record: the record values as received,
 * as length-prefixed (varint) chunks in one buffer the node keeps from one record to the next (so
 * a node's log is not garbage that lives for a commit interval).
 */
final class ByteLog {
    private byte[] buf = new byte[0];
    private int size;

    void append(byte[] chunk) {
        int need = size + 5 + chunk.length;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, Math.max(256, buf.length * 2)));
        }
        int n = chunk.length;
        while ((n & ~0x7f) != 0) {
            buf[size++] = (byte) ((n & 0x7f) | 0x80);
            n >>>= 7;
        }
        buf[size++] = (byte) n;
        System.arraycopy(chunk, 0, buf, size, chunk.length);
        size += chunk.length;
    }

    /** The bytes {@link #toByteArray()} returns, without making them. */
    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Empties the log (its buffer stays for the next events). */
    void clear() {
        size = 0;
    }

    /** Calls {@code each} with every chunk of {@code log} in order. */
    static void forEach(byte[] log, Consumer<byte[]> each) {
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
