package io.memfleet.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.script.ScriptRunner;
import org.junit.jupiter.api.Test;

/** Tens of thousands of sibling cgroups: each is found by name, a removed one is gone, its name free again. */
class CgroupSiblingsTest {
    @Test
    void manySiblingsAreFoundByNameAndARemovedOneIsGone() {
        StringBuilder s = new StringBuilder("node cpus=1 mem=1G\n");
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            s.append("mkdir /c").append(i).append('\n');
        }
        s.append("echo 8M > /c49999/memory.limit_in_bytes\ncat /c49999/memory.limit_in_bytes\n");
        s.append("rmdir /c25000\ncat /c25000/memory.limit_in_bytes\nmkdir /c25000\ncat /c25000/memory.limit_in_bytes\n");
        s.append("mkdir /c7\n");
        String out = ScriptRunner.runToString(s.toString(), KernelConfig.DEFAULT);
        assertEquals("8388608\nerror: ENOENT\n9223372036854775807\nerror: EEXIST\n", out);
    }
}
