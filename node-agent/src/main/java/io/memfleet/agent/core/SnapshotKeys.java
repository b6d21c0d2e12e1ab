package io.memfleet.agent.core;

/** The keys of a node's records on the snapshot topic: {@code <node>/c} and {@code <node>/s/<segment>}. */
final class SnapshotKeys {
    private static final String CHECKPOINT = "/c";
    private static final String SEGMENT = "/s/";

    private SnapshotKeys() {
    }

    static String checkpoint(String node) {
        return node + CHECKPOINT;
    }

    static String segment(String node, long n) {
        String digits = Long.toString(n);
        return node + SEGMENT + "000000000000".substring(Math.min(12, digits.length())) + digits;
    }

    /** A parsed key: the node and either the checkpoint (segment -1) or a segment number; null if foreign. */
    record Parsed(String node, long segment) {
        boolean isCheckpoint() {
            return segment < 0;
        }
    }

    static Parsed parse(String key) {
        if (key == null) {
            return null;
        }
        if (key.endsWith(CHECKPOINT) && key.length() > CHECKPOINT.length()) {
            return new Parsed(key.substring(0, key.length() - CHECKPOINT.length()), -1);
        }
        int s = key.lastIndexOf(SEGMENT);
        if (s <= 0 || s + SEGMENT.length() == key.length()) {
            return null;
        }
        for (int i = s + SEGMENT.length(); i < key.length(); i++) {
            if (key.charAt(i) < '0' || key.charAt(i) > '9') {
                return null;
            }
        }
        try {
            return new Parsed(key.substring(0, s), Long.parseLong(key.substring(s + SEGMENT.length())));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
