package io.memfleet.report;

import io.airlift.compress.snappy.SnappyCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** Parquet page compression for writing only, in pure Java: Snappy (aircompressor) or none. No Hadoop codecs. */
final class SnappyCodecFactory implements CompressionCodecFactory {
    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new Compressor(codec) {
                @Override
                public BytesInput compress(BytesInput in) {
                    return in;
                }
            };
            case SNAPPY -> new Compressor(codec) {
                private final SnappyCompressor snappy = new SnappyCompressor();

                @Override
                public BytesInput compress(BytesInput in) throws IOException {
                    ByteArrayOutputStream raw = new ByteArrayOutputStream((int) in.size());
                    in.writeAllTo(raw);
                    byte[] src = raw.toByteArray();
                    byte[] dst = new byte[snappy.maxCompressedLength(src.length)];
                    return BytesInput.from(dst, 0, snappy.compress(src, 0, src.length, dst, 0, dst.length));
                }
            };
            default -> throw new UnsupportedOperationException("memfleet writes Parquet pages uncompressed or Snappy, not "
                    + codec);
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("memfleet only writes Parquet");
    }

    @Override
    public void release() {
    }

    private abstract static class Compressor implements BytesInputCompressor {
        private final CompressionCodecName name;

        Compressor(CompressionCodecName name) {
            this.name = name;
        }

        @Override
        public CompressionCodecName getCodecName() {
            return name;
        }

        @Override
        public void release() {
        }
    }
}
