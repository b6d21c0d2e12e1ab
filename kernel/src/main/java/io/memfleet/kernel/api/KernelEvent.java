package io.memfleet.kernel.api;

/** Something telemetry reports as an event rather than a counter: an OOM kill or a failed allocation. */
public sealed interface KernelEvent {
    long timeNs();

    /** The OOM killer killed a task; {@code memcgPath} is null for a global OOM. */
    record OomKill(long timeNs, int pid, String comm, String memcgPath, long score) implements KernelEvent { }

    /** A usage threshold registered through cgroup.event_control was crossed ({@code file}: the watched file's path). */
    record Threshold(long timeNs, String file, long bytes) implements KernelEvent { }

    /** A group registered for OOM notification went into OOM ({@code file}: its memory.oom_control path). */
    record OomNotify(long timeNs, String file) implements KernelEvent { }

    /** An allocation the kernel refused with ENOMEM ({@code kind}: anon, mlock, file, dentry, kmalloc). */
    record AllocFailure(long timeNs, int pid, String cgroupPath, String kind, long bytes) implements KernelEvent { }
}
