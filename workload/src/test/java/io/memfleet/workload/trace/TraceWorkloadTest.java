package io.memfleet.workload.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.api.Command;
import io.memfleet.workload.gen.NodeWorkload;
import io.memfleet.workload.spec.ExperimentException;
import io.memfleet.workload.spec.ExperimentParser;
import io.memfleet.workload.spec.ExperimentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace model as the generator runs it: each node's demand follows its series. */
class TraceWorkloadTest {
    @TempDir
    Path tmp;

    private String experiment(String params) {
        return """
                name: replay
                seed: 1
                nodes: 3
                node: {cpus: 1, mem: 1G}
                duration: 20m
                step: 60s
                cgroups:
                  - {path: /job, limit: 512M}
                workloads:
                  - model: trace
                    cgroup: /job
                    params:
                """ + params.indent(6);
    }

    private long anonAfter(ExperimentSpec e, int node, int steps) {
        NodeWorkload w = new NodeWorkload(e, node);
        List<Command> out = new ArrayList<>();
        w.setup(out::add);
        for (int s = 0; s < steps; s++) {
            w.step(s, out::add);
        }
        return out.stream().filter(c -> c instanceof Command.Mem m && m.kind() == Command.MemKind.ANON)
                .mapToLong(c -> ((Command.Mem) c).bytes()).sum();
    }

    @Test
    void eachNodesAnonymousDemandFollowsItsSeries() throws Exception {
        Files.writeString(tmp.resolve("pods.csv"), "t,pod,frac\n0,p0,0.5\n0,p1,0.25\n600,p0,0.125\n600,p1,0.5\n");
        Path file = Files.writeString(tmp.resolve("replay.yaml"), experiment("""
                path: pods.csv
                series_column: pod
                time_column: t
                value_column: frac
                """));
        ExperimentSpec e = ExperimentParser.parse(Files.readString(file), file.toString());
        assertEquals(256L << 20, anonAfter(e, 0, 5), "half of the 512M limit at first");
        assertEquals(64L << 20, anonAfter(e, 0, 15), "an eighth after 600 s");
        assertEquals(128L << 20, anonAfter(e, 1, 5));
        assertEquals(256L << 20, anonAfter(e, 2, 5), "node 2 starts over at the first series");
    }

    @Test
    void bytesAndPercentOfTheNodeSplitIntoAnonymousMemoryAndPageCache() throws Exception {
        Files.writeString(tmp.resolve("b.txt"), "104857600\n");
        Path file = Files.writeString(tmp.resolve("bytes.yaml"), experiment("""
                path: b.txt
                format: wide
                value_unit: bytes
                anon_share: 0.75
                """));
        ExperimentSpec e = ExperimentParser.parse(Files.readString(file), file.toString());
        assertEquals(75L << 20, anonAfter(e, 0, 3));
        Files.writeString(tmp.resolve("p.txt"), "25\n");
        Path pct = Files.writeString(tmp.resolve("pct.yaml"), experiment("""
                path: p.txt
                format: wide
                value_unit: percent
                of: node
                """));
        assertEquals(256L << 20, anonAfter(ExperimentParser.parse(Files.readString(pct), pct.toString()), 0, 3),
                "25% of the node's 1G, not of the cgroup's 512M limit");
    }

    @Test
    void aBadTraceIsRejectedByTheExperimentParserWithBothLines() throws Exception {
        Files.writeString(tmp.resolve("pods.csv"), "t,pod,frac\n0,p0,0.5\n60,p0,half\n");
        Path file = Files.writeString(tmp.resolve("replay.yaml"), experiment("""
                path: pods.csv
                series_column: pod
                time_column: t
                value_column: frac
                on_bad_rows: fail
                """));
        String msg = assertThrows(ExperimentException.class, () -> ExperimentParser.parse(Files.readString(file),
                file.toString())).getMessage();
        assertTrue(msg.contains("replay.yaml:") && msg.contains("field 'workloads[0].params.value_column'")
                && msg.contains("pods.csv:3: not a number: 'half'"), msg);
        String unknown = assertThrows(ExperimentException.class, () -> ExperimentParser.parse(experiment("""
                path: pods.csv
                colour: blue
                """), file.toString())).getMessage();
        assertTrue(unknown.contains("field 'workloads[0].params.colour': unknown field"), unknown);
    }
}
