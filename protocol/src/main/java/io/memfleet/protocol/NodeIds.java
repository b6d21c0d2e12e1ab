package io.memfleet.protocol;

/**
 * Node ids of experiments: {@code <experiment id>/<index>}, the index zero-padded to four digits
 * (more for larger fleets). An experiment's nodes are namespaced by its id, so experiments share
 * a fleet without sharing nodes; results name a node by its experiment-local name
 * {@code <experiment name>-<index>}, the same however the experiment was run.
 */
public final class NodeIds {
    private NodeIds() {
    }

    /** The longest node id a record may carry. */
    public static final int MAX_LENGTH = 200;

    /**
     * Whether {@code id} may name a node: 1 to 200 characters of A-Z, a-z, 0-9, '.', '_', '-', ':'
     * and '/', not starting with '/' and without a '.' or '..' segment, so that no id is a path
     * that escapes anything or an empty name.
     */
    public static boolean valid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH || id.charAt(0) == '/' || id.endsWith("/")) {
            return false;
        }
        int segment = 0; // where the current '/'-separated part starts
        for (int i = 0; i <= id.length(); i++) {
            char c = i < id.length() ? id.charAt(i) : '/';
            if (c == '/') {
                int n = i - segment;
                if (n == 0 || (n <= 2 && id.charAt(segment) == '.' && (n == 1 || id.charAt(segment + 1) == '.'))) {
                    return false; // an empty, '.' or '..' part
                }
                segment = i + 1;
                continue;
            }
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static String nodeId(String experimentId, int index) {
        return experimentId + "/" + pad(index);
    }

    /** The experiment-local name results use: {@code quickstart-0007}. */
    public static String nodeName(String experimentName, int index) {
        return experimentName + "-" + pad(index);
    }

    private static String pad(int index) {
        String s = Integer.toString(index);
        return s.length() >= 4 ? s : "0000".substring(s.length()) + s;
    }

    /** The results-topic key of chunk {@code chunk} of an experiment's time series (not a node id: no '/' after the id). */
    public static String seriesKey(String experimentId, int chunk) {
        return experimentId + "#series-" + chunk;
    }

    /** The chunk number of a series key of {@code experimentId}, or -1 for any other key. */
    public static int seriesChunkOf(String experimentId, String key) {
        String prefix = experimentId + "#series-";
        if (key == null || !key.startsWith(prefix)) {
            return -1;
        }
        try {
            return Integer.parseInt(key.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The experiment a node id belongs to, or null for a node id without one. */
    public static String experimentOf(String nodeId) {
        int slash = nodeId.lastIndexOf('/');
        return slash <= 0 ? null : nodeId.substring(0, slash);
    }

    /** The node's index in its experiment, or -1. */
    public static int indexOf(String nodeId) {
        int slash = nodeId.lastIndexOf('/');
        if (slash < 0 || slash == nodeId.length() - 1) {
            return -1;
        }
        try {
            return Integer.parseInt(nodeId.substring(slash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
