package io.memfleet.kernel.sim;

/**
 * How a subsystem names its scheduled actions in a checkpoint: a timer or a work item becomes a
 * number and is rebuilt from it. Actions are plain objects, so only their owner can name them.
 */
public interface ActionCodec {
    long encode(Runnable action);

    Runnable decode(long code);
}
