package io.memfleet.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal protobuf wire writer for the hot paths that encode straight from domain values:
 * varints, zigzag, strings and nested messages (their length is known only at their end, so the
 * body is written first and moved behind its length prefix). Fields at their default value are
 * left out, as proto3 does. Tests parse what it writes with the generated classes.
 */
final class ProtoWriter {
    private byte[] buf = new byte[512];
    private int size;
    private int[] starts = new int[8];
    private int depth;

    ProtoWriter reset() {
        size = 0;
        depth = 0;
        return this;
    }

    /** Bytes written so far. */
    int size() {
        return size;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(size + more, buf.length * 2));
        }
    }

    private void rawVarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    ProtoWriter uint64(int field, long v) {
        if (v != 0) {
            tag(field, 0);
            rawVarint(v);
        }
        return this;
    }

    ProtoWriter sint64(int field, long v) {
        return uint64(field, (v << 1) ^ (v >> 63));
    }

    ProtoWriter bool(int field, boolean v) {
        return uint64(field, v ? 1 : 0);
    }

    ProtoWriter string(int field, String s) {
        if (!s.isEmpty()) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            tag(field, 2);
            rawVarint(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }
        return this;
    }

    /** Starts a nested message in {@code field}; {@link #end()} closes it. */
    ProtoWriter begin(int field) {
        tag(field, 2);
        if (depth == starts.length) {
            starts = Arrays.copyOf(starts, depth * 2);
        }
        starts[depth++] = size;
        return this;
    }

    /** Ends the innermost nested message: its length goes in front of its body. */
    ProtoWriter end() {
        int start = starts[--depth];
        int len = size - start;
        int prefix = 1;
        for (int n = len; (n & ~0x7F) != 0; n >>>= 7) {
            prefix++;
        }
        ensure(prefix);
        System.arraycopy(buf, start, buf, start + prefix, len);
        int at = start;
        int n = len;
        while ((n & ~0x7F) != 0) {
            buf[at++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        buf[at] = (byte) n;
        size += prefix;
        return this;
    }

    byte[] toByteArray() {
        if (depth != 0) {
            throw new IllegalStateException(depth + " nested messages are not closed");
        }
        return Arrays.copyOf(buf, size);
    }
}
