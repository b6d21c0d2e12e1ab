package io.memfleet.agent.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The events a node applied since its last stored snapshot record: the record values as received
 * (kept by reference, not copied), written out as length-prefixed (varint) chunks when stored.
 */
final class ByteLog {
    private final List<byte[]> chunks = new ArrayList<>(4);
    private int size;

    void append(byte[] chunk) {
        chunks.add(chunk);
        size += varintSize(chunk.length) + chunk.length;
    }

    /** The bytes {@link #toByteArray()} returns, without making them. */
    int size() {
        return size;
    }

    private static int varintSize(int n) {
        int k = 1;
        while ((n & ~0x7f) != 0) {
            n >>>= 7;
            k++;
        }
        return k;
    }

    byte[] toByteArray() {
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] c : chunks) {
            int n = c.length;
            while ((n & ~0x7f) != 0) {
                out[at++] = (byte) ((n & 0x7f) | 0x80);
                n >>>= 7;
            }
            out[at++] = (byte) n;
            System.arraycopy(c, 0, out, at, c.length);
            at += c.length;
        }
        return out;
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
