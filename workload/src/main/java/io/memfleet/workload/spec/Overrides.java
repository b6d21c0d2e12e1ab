package io.memfleet.workload.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.memfleet.common.Suggestions;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@code --set FIELD=VALUE}: one value of the experiment file replaced (or added) before it is
 * read, with the field written as the errors name it ({@code workloads[0].params.path},
 * {@code cgroups[1].limit}, {@code speed}). The rest of the file keeps its lines for errors; a
 * value (or field) the argument put there carries the argument instead, so an error about it names
 * {@code --set nodse=3}, not a line of the file.
 */
final class Overrides {
    private static final String SET = "--set ";
    private static final Pattern STEP = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)((\\[[0-9]+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[([0-9]+)]");

    private Overrides() {
    }

    static void apply(Node root, String set, String source) throws ExperimentException {
        String arg = SET + set;
        int eq = set.indexOf('=');
        if (eq <= 0) {
            throw new ExperimentException(arg, 0, null, "expected FIELD=VALUE");
        }
        Mark mark = new Mark(arg, 0, 0, 0, new int[0], 0);
        String field = set.substring(0, eq);
        String value = set.substring(eq + 1);
        List<Object> path = new ArrayList<>();
        for (String part : field.split("\\.", -1)) {
            Matcher m = STEP.matcher(part);
            if (!m.matches()) {
                throw new ExperimentException(arg, 0, null, "'" + field + "' is not a field name such as "
                        + "workloads[0].params.path");
            }
            path.add(m.group(1));
            Matcher ix = INDEX.matcher(m.group(2));
            while (ix.find()) {
                path.add(Integer.parseInt(ix.group(1)));
            }
        }
        if (!(root instanceof MappingNode)) {
            return; // the parser reports a file that is no mapping
        }
        Node at = root;
        for (int i = 0; i < path.size(); i++) {
            boolean last = i == path.size() - 1;
            Object step = path.get(i);
            if (step instanceof Integer k) {
                if (!(at instanceof SequenceNode seq) || k >= seq.getValue().size()) {
                    throw new ExperimentException(arg, 0, null, at instanceof SequenceNode list
                            ? "there is no [" + k + "]: the list in " + source + " ends at [" + (list.getValue().size() - 1) + "]"
                            : source + " has no list there");
                }
                if (last) {
                    seq.getValue().set(k, scalar(value, mark));
                    return;
                }
                at = seq.getValue().get(k);
            } else {
                if (!(at instanceof MappingNode map)) {
                    throw new ExperimentException(arg, 0, null, "'" + step + "' is inside a value, not a mapping");
                }
                NodeTuple found = null;
                List<String> keys = new ArrayList<>();
                for (NodeTuple t : map.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode s) {
                        keys.add(s.getValue());
                        if (s.getValue().equals(step)) {
                            found = t;
                        }
                    }
                }
                if (last) {
                    NodeTuple replaced = new NodeTuple(found != null ? found.getKeyNode() : scalar((String) step, mark),
                            scalar(value, mark));
                    List<NodeTuple> tuples = new ArrayList<>(map.getValue());
                    if (found != null) {
                        tuples.set(tuples.indexOf(found), replaced);
                    } else {
                        tuples.add(replaced);
                    }
                    map.setValue(tuples);
                    return;
                }
                if (found == null) {
                    throw new ExperimentException(arg, 0, null, source + " has no field '" + step + "' there"
                            + Suggestions.didYouMean((String) step, keys));
                }
                at = found.getValueNode();
            }
        }
    }

    /** A scalar the argument of {@code mark} put into the file. */
    private static ScalarNode scalar(String value, Mark mark) {
        return new ScalarNode(Tag.STR, value, mark, mark, DumperOptions.ScalarStyle.PLAIN);
    }

    /** The {@code --set} argument that put {@code n} into the file, or null for the file's own nodes. */
    static String setBy(Node n) {
        String name = n == null ? null : n.getStartMark() == null ? null : n.getStartMark().getName();
        return name != null && name.startsWith(SET) ? name : null;
    }
}
