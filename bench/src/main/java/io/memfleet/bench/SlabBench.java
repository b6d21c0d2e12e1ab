package io.memfleet.bench;

import io.memfleet.kernel.Kernel;
import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.memcg.Task;
import io.memfleet.kernel.slab.KmemCache;
import io.memfleet.kernel.slab.SlabLayer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * kmem_cache_alloc + kmem_cache_free hitting the per-CPU array, in a task of a non-root cgroup,
 * with the kmem v2 accounting (the per-cgroup cache lookup) and with the series compiled out.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SlabBench {
    @Param({"kmem", "nokmem"})
    public String kernel;

    private SlabLayer slab;
    private KmemCache dentry;
    private KmemCache size64;
    private Task task;

    @Setup
    public void setUp() {
        KernelConfig cfg = kernel.equals("kmem") ? KernelConfig.DEFAULT : KernelConfig.NO_KMEM_ACCOUNTING;
        Kernel k = Fixtures.boot("node cpus=1 mem=1G", cfg, "mkdir /g", "spawn 1 /g", "dentry 1 +1",
                "kmalloc 1 64 +1", "tick 1ms", "dentry 1 +100", "kmalloc 1 64 +100");
        slab = k.internals().slab();
        dentry = slab.dentryCache();
        size64 = slab.generalCache(64);
        task = k.internals().tasks().get(1);
    }

    @Benchmark
    public long dentryAllocFree() {
        long obj = slab.kmemCacheAlloc(dentry, task);
        slab.kmemCacheFree(obj, 0);
        return obj;
    }

    @Benchmark
    public long kmalloc64AllocFree() {
        long obj = slab.kmemCacheAlloc(size64, task);
        slab.kmemCacheFree(obj, 0);
        return obj;
    }
}
