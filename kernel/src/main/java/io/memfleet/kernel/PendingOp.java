package io.memfleet.kernel;

/**
 * An operation a task could not run because it sleeps in a memcg OOM wait: it runs, in order,
 * when the task is woken. {@code amount} is signed as in the script (pages, objects, or bytes for tcp);
 * {@code size} is the kmalloc size.
 */
public record PendingOp(Kind kind, long amount, long size, boolean resumed) {
    /** The kinds of operation that can wait. */
    public enum Kind { ANON, MLOCK, FILE, MMAP, SHM, TCP, DENTRY, KMALLOC }

    public PendingOp withAmount(long remaining) {
        return new PendingOp(kind, remaining, size, true);
    }
}
