package io.memfleet.agent.core;

import io.memfleet.kernel.api.Command;
import io.memfleet.kernel.image.CacheImage;
import io.memfleet.kernel.image.NodeImage;
import io.memfleet.protocol.NodeHeapCost;

/** Nodes against the agent's heap ({@link NodeHeapCost}): a node shape it could not hold is refused. */
public final class NodeHeap {
    static final long BASE_BYTES = NodeHeapCost.BASE_BYTES;

    private NodeHeap() {
    }

    /** The most heap a node of this shape can take. */
    public static long worstCase(Command.Node shape) {
        return NodeHeapCost.worstCase(shape.memBytes());
    }

    /** About what a running node holds now, from the objects of its slab caches. */
    static long estimate(NodeImage image) {
        long objects = 0;
        for (CacheImage c : image.caches()) {
            objects += c.numObjs();
        }
        return NodeHeapCost.estimate(objects);
    }

    /** A node shape this agent cannot hold: the node is refused, with why. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String why) {
            super(why, null, false, false);
        }
    }

    /** Refuses {@code shape} when it could take more than {@code budget} bytes of heap. */
    static void admit(Command.Node shape, long budget) {
        long worst = worstCase(shape);
        if (worst > budget) {
            throw new Refused("refused: a node with " + mib(shape.memBytes()) + " of simulated memory can take up to "
                    + mib(worst) + " of an agent's heap, more than the " + mib(budget) + " this agent gives one node (3/4 of "
                    + "its heap less 128 MiB); give the agents more heap (cluster up --agent-heap, -Xmx) or the nodes less memory");
        }
    }

    /** The node holding the most heap by its last sample (the smallest id of equals); null for none. */
    static HostedNode heaviest(java.util.Collection<HostedNode> nodes) {
        HostedNode heaviest = null;
        for (HostedNode n : nodes) {
            if (heaviest == null || n.heapEstimate > heaviest.heapEstimate
                    || (n.heapEstimate == heaviest.heapEstimate && n.id.compareTo(heaviest.id) < 0)) {
                heaviest = n;
            }
        }
        return heaviest;
    }

    static String mib(long bytes) {
        return NodeHeapCost.mib(bytes);
    }
}
