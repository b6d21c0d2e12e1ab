package io.memfleet.agent.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.memfleet.kernel.api.Command;
import java.io.IOException;

/**
 * A streaming decoder of WorkloadBatch bytes straight into kernel commands, without building
 * protobuf message objects: the agent's hot path. It reads the same wire format the generated
 * classes write (workload.proto) and validates through {@link EventMapper}'s rules.
 */
public final class WireDecoder {
    /** Receives each decoded event in order. */
    public interface Sink {
        /** {@code command} is null for a sample request; {@code error} is non-null for a bad event. */
        void event(String nodeId, long seq, Command command, String error, boolean dumpFiles);
    }

    private WireDecoder() {
    }

    /** Decodes a batch; returns the batch-level node id ("" when absent). */
    public static String decodeBatch(byte[] bytes, Sink sink) throws InvalidProtocolBufferException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            String batchNode = "";
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    return batchNode;
                }
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> {
                        int limit = in.pushLimit(in.readRawVarint32());
                        event(in, sink);
                        in.popLimit(limit);
                    }
                    case 2 -> batchNode = in.readStringRequireUtf8();
                    default -> in.skipField(tag);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
    }

    private static void event(CodedInputStream in, Sink sink) throws IOException {
        String node = "";
        long seq = 0;
        Command cmd = null;
        boolean dump = false;
        String error = "not a kernel command: COMMAND_NOT_SET";
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            switch (field) {
                case 1 -> node = in.readStringRequireUtf8();
                case 2 -> in.readInt64();
                case 3 -> seq = in.readUInt64();
                default -> {
                    if (field >= 10 && field <= 24 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        try {
                            if (field == 24) {
                                dump = fields(in, 0, 0).num[1] != 0;
                            }
                            cmd = command(field, in);
                            error = null;
                        } catch (BadEventException e) {
                            cmd = null;
                            error = e.getMessage();
                        }
                        skipRest(in);
                        in.popLimit(limit);
                    } else {
                        in.skipField(tag);
                    }
                }
            }
        }
        sink.event(node, seq, cmd, error, dump);
    }

    private static void skipRest(CodedInputStream in) throws IOException {
        while (!in.isAtEnd()) {
            in.skipField(in.readTag());
        }
    }

    /** Reads fields 1..5 of a command message into an array of longs / strings by field number. */
    private static final class Fields {
        final long[] num = new long[6];
        final String[] str = new String[6];
    }

    private static Fields fields(CodedInputStream in, int stringFields, int zigzagFields) throws IOException {
        Fields f = new Fields();
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return f;
            }
            int n = WireFormat.getTagFieldNumber(tag);
            if (n < 1 || n > 5) {
                in.skipField(tag);
            } else if ((stringFields & (1 << n)) != 0) {
                f.str[n] = in.readStringRequireUtf8();
            } else if ((zigzagFields & (1 << n)) != 0) {
                f.num[n] = in.readSInt64();
            } else {
                f.num[n] = in.readUInt64();
            }
        }
    }

    private static String s(Fields f, int n) {
        return f.str[n] == null ? "" : f.str[n];
    }

    private static int u32(Fields f, int n) {
        return (int) f.num[n];
    }

    // field numbers follow workload.proto's oneof and its messages
    private static Command command(int field, CodedInputStream in) throws IOException, BadEventException {
        return switch (field) {
            case 19 -> {
                Fields f = fields(in, 0, 1 << 3);
                yield EventMapper.mem((int) f.num[1], u32(f, 2), f.num[3]);
            }
            case 20 -> {
                Fields f = fields(in, 0, 1 << 2);
                yield EventMapper.dentry(u32(f, 1), f.num[2]);
            }
            case 21 -> {
                Fields f = fields(in, 0, 1 << 3);
                yield EventMapper.kmalloc(u32(f, 1), f.num[2], f.num[3]);
            }
            case 22 -> EventMapper.tick(fields(in, 0, 0).num[1]);
            case 10 -> {
                Fields f = fields(in, 0, 0);
                yield EventMapper.node(u32(f, 1), f.num[2], f.num[3], f.num[4], u32(f, 5));
            }
            case 11 -> new Command.Print(s(fields(in, 1 << 1, 0), 1));
            case 12 -> new Command.Mkdir(EventMapper.path(s(fields(in, 1 << 1, 0), 1)));
            case 13 -> new Command.Rmdir(EventMapper.path(s(fields(in, 1 << 1, 0), 1)));
            case 14 -> {
                Fields f = fields(in, (1 << 1) | (1 << 2), 0);
                yield EventMapper.echo(s(f, 1), s(f, 2));
            }
            case 15 -> new Command.Cat(EventMapper.path(s(fields(in, 1 << 1, 0), 1)));
            case 16 -> {
                Fields f = fields(in, 1 << 2, 0);
                yield EventMapper.spawn(u32(f, 1), s(f, 2), u32(f, 3));
            }
            case 17 -> new Command.Exit(EventMapper.pid(u32(fields(in, 0, 0), 1)));
            case 18 -> new Command.Kill(EventMapper.pid(u32(fields(in, 0, 0), 1)));
            case 23 -> {
                fields(in, 0, 0);
                yield new Command.Dmesg();
            }
            case 24 -> null; // a sample request (its fields were read by the caller)
            default -> throw new BadEventException("unknown command field " + field);
        };
    }
}
