package io.memfleet.bench;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.script.ScriptParser;

/** Small helpers shared by the benchmarks: boot a node and drive it with script lines. */
final class Fixtures {
    private Fixtures() {
    }

    static Kernel boot(String nodeLine, KernelConfig config, String... lines) {
        Kernel k = Kernel.boot((Command.Node) ScriptParser.parse(nodeLine, 1, true), config);
        int n = 2;
        for (String l : lines) {
            Command c = ScriptParser.parse(l, n++, false);
            if (c != null) {
                k.apply(c);
            }
        }
        return k;
    }
}
