package io.memfleet.report;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * {@code series.parquet}: the same rows and columns as {@code series.csv} in Parquet (Snappy
 * pages), for DuckDB, pandas and Spark: sim_seconds as DOUBLE, cgroup as a UTF-8 string and every
 * statistic as INT64. Written without Hadoop (a local file, plain configuration, a pure-Java
 * codec); the bytes depend on the rows only.
 */
public final class SeriesParquet {
    private static final MethodHandle WITH_CONF;

    static {
        try {
            // withConf has an overload taking Hadoop's Configuration, which javac cannot resolve without
            // Hadoop on the class path: the plain-configuration one is looked up by its exact type instead
            WITH_CONF = MethodHandles.publicLookup().findVirtual(ParquetWriter.Builder.class, "withConf",
                    MethodType.methodType(ParquetWriter.Builder.class, ParquetConfiguration.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private SeriesParquet() {
    }

    static MessageType schema(List<String> columns) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        b.required(PrimitiveTypeName.DOUBLE).named(columns.get(0));
        b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(columns.get(1));
        for (String c : columns.subList(2, columns.size())) {
            if (SeriesTable.TEXT_COLUMNS.contains(c)) {
                b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c);
            } else {
                b.required(PrimitiveTypeName.INT64).named(c);
            }
        }
        return b.named("memfleet_series");
    }

    public static void write(SeriesTable t, Path out) throws IOException {
        MessageType schema = schema(t.columns());
        ExampleParquetWriter.Builder b = ExampleParquetWriter.builder().withFile(new LocalOutputFile(out));
        try {
            WITH_CONF.invoke(b, new PlainParquetConfiguration());
        } catch (Throwable e) {
            throw new IOException("cannot configure the Parquet writer: " + e, e);
        }
        SimpleGroupFactory rows = new SimpleGroupFactory(schema);
        List<String> stats = t.columns().subList(2, t.columns().size());
        try (ParquetWriter<Group> w = b.withType(schema).withCodecFactory(new SnappyCodecFactory())
                .withCompressionCodec(CompressionCodecName.SNAPPY).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            for (int r = 0; r < t.rows(); r++) {
                Group g = rows.newGroup().append(t.columns().get(0), t.time(r)).append(t.columns().get(1), t.cgroup(r));
                for (String c : stats) {
                    switch (c) {
                        case "rollout" -> g.append(c, t.rollout(r));
                        case "group" -> g.append(c, t.group(r));
                        default -> g.append(c, t.value(r, c));
                    }
                }
                w.write(g);
            }
        }
    }
}
