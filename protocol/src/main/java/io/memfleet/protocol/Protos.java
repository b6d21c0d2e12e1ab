package io.memfleet.protocol;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Protobuf helpers: deterministic bytes, so the same state always serializes the same way. */
public final class Protos {
    private Protos() {
    }

    /** Serializes with deterministic map ordering (byte-identical telemetry for identical state). */
    public static byte[] deterministicBytes(MessageLite m) {
        byte[] out = new byte[m.getSerializedSize()];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        cos.useDeterministicSerialization();
        try {
            m.writeTo(cos);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
