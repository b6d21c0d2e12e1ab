package io.memfleet.agent.model;

import io.memfleet.kernel.api.Command;

/**
 * One workload event as the wire decoder delivers it: a command, a sample request (no command, no
 * error), or a bad event (an error saying why). An empty node id means the batch's node.
 */
public record DecodedEvent(String nodeId, long seq, Command command, String error, boolean dumpFiles) {
    public DecodedEvent(String nodeId, long seq, Command command, String error) {
        this(nodeId, seq, command, error, false);
    }

    public boolean isSample() {
        return command == null && error == null;
    }
}
