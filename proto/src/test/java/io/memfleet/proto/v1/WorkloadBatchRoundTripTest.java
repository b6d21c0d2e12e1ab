package io.memfleet.proto.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.InvalidProtocolBufferException;
import org.junit.jupiter.api.Test;

/** A batch survives serialization unchanged. */
class WorkloadBatchRoundTripTest {

    @Test
    void batchRoundTrips() throws InvalidProtocolBufferException {
        WorkloadBatch batch = WorkloadBatch.newBuilder()
                .addEvents(event(1).setNodeShape(NodeShape.newBuilder().setCpus(2).setMemBytes(1L << 30)))
                .addEvents(event(2).setMkdir(Mkdir.newBuilder().setPath("/web")))
                .addEvents(event(3).setEcho(Echo.newBuilder().setValue("4095").setPath("/web/memory.limit_in_bytes")))
                .addEvents(event(4).setSpawn(Spawn.newBuilder().setPid(10).setPath("/web").setCpu(1)))
                .addEvents(event(5).setMem(Mem.newBuilder().setKind(Mem.Kind.FILE).setPid(10).setBytes(-8192)))
                .addEvents(event(6).setKmalloc(Kmalloc.newBuilder().setPid(0).setSize(512).setCount(-3)))
                .addEvents(event(7).setTick(Tick.newBuilder().setDurationNs(2_000_000_000L)))
                .addEvents(event(8).setDmesg(Dmesg.getDefaultInstance()))
                .build();

        WorkloadBatch parsed = WorkloadBatch.parseFrom(batch.toByteArray());

        assertEquals(batch, parsed);
        assertEquals(8, parsed.getEventsCount());
        assertEquals(WorkloadEvent.CommandCase.MEM, parsed.getEvents(4).getCommandCase());
        assertEquals(-8192, parsed.getEvents(4).getMem().getBytes());
    }

    private static WorkloadEvent.Builder event(long seq) {
        return WorkloadEvent.newBuilder().setNodeId("node-1").setSimTimeNs(seq * 1000).setSeq(seq);
    }
}
