package io.memfleet.workload.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@code --set FIELD=VALUE}: one value of the experiment file replaced (or added) before it is
 * read, with the field written as the errors name it ({@code workloads[0].params.path},
 * {@code cgroups[1].limit}, {@code speed}). The rest of the file keeps its lines for errors.
 */
final class Overrides {
    private static final Pattern STEP = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)((\\[[0-9]+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[([0-9]+)]");

    private Overrides() {
    }

    static void apply(Node root, String set, String source) throws ExperimentException {
        int eq = set.indexOf('=');
        if (eq <= 0) {
            throw new ExperimentException(source, 0, "--set", "expected FIELD=VALUE, got '" + set + "'");
        }
        String field = set.substring(0, eq);
        String value = set.substring(eq + 1);
        List<Object> path = new ArrayList<>();
        for (String part : field.split("\\.", -1)) {
            Matcher m = STEP.matcher(part);
            if (!m.matches()) {
                throw new ExperimentException(source, 0, "--set " + field, "not a field name such as "
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
                    throw new ExperimentException(source, 0, "--set " + field, "the file has no such list entry");
                }
                if (last) {
                    seq.getValue().set(k, scalar(value, seq.getValue().get(k)));
                    return;
                }
                at = seq.getValue().get(k);
            } else {
                if (!(at instanceof MappingNode map)) {
                    throw new ExperimentException(source, 0, "--set " + field, "'" + step + "' is inside a value, not "
                            + "a mapping");
                }
                NodeTuple found = null;
                for (NodeTuple t : map.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(step)) {
                        found = t;
                    }
                }
                if (last) {
                    NodeTuple replaced = new NodeTuple(found != null ? found.getKeyNode() : scalar((String) step, map),
                            scalar(value, found != null ? found.getValueNode() : map));
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
                    throw new ExperimentException(source, 0, "--set " + field, "the file has no field '" + step + "' there");
                }
                at = found.getValueNode();
            }
        }
    }

    /** A scalar standing where {@code near} was (its line, for errors). */
    private static ScalarNode scalar(String value, Node near) {
        return new ScalarNode(Tag.STR, value, near.getStartMark(), near.getEndMark(), DumperOptions.ScalarStyle.PLAIN);
    }
}
