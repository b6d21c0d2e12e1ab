package io.memfleet.bench;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.memcg.ChargeMode;
import io.memfleet.kernel.memcg.ChargeResult;
import io.memfleet.kernel.memcg.MemCgroup;
import io.memfleet.kernel.memcg.MemcgCharger;
import io.memfleet.kernel.memcg.MemcgStock;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.api.Command;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The memcg charge path: a one-page charge that hits the per-CPU stock, and a whole anon fault + unmap. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ChargeBench {
    private MemcgCharger charger;
    private MemcgStock stock;
    private MemCgroup memcg;
    private Task task;
    private Kernel kernel;
    private final Command faultIn = new Command.Mem(Command.MemKind.ANON, 1, 4096);
    private final Command unmap = new Command.Mem(Command.MemKind.ANON, 1, -4096);

    @Setup
    public void setUp() {
        kernel = Fixtures.boot("node cpus=1 mem=1G", KernelConfig.DEFAULT, "mkdir /g", "spawn 1 /g", "anon 1 +4K");
        Kernel.Internals in = kernel.internals();
        charger = in.memController().charger();
        stock = in.memController().stock();
        memcg = in.memController().root().children().get(0);
        task = in.tasks().get(1);
    }

    /** __mem_cgroup_try_charge of one page served by consume_stock; the page goes back to the stock. */
    @Benchmark
    public ChargeResult stockHitCharge() {
        ChargeResult r = charger.tryCharge(task, 0, memcg, 1, ChargeMode.BATCH, 0xd0);
        stock.refillStock(0, memcg, 1);
        return r;
    }

    /** `anon 1 +4K` then `anon 1 -4K` through Kernel.apply: fault, charge, commit, unmap, uncharge. */
    @Benchmark
    public Object anonFaultAndUnmap() {
        kernel.apply(faultIn);
        return kernel.apply(unmap);
    }
}
