package io.memfleet.protocol;

import io.memfleet.kernel.image.CacheImage;
import io.memfleet.kernel.image.DyingCgroupImage;
import io.memfleet.kernel.image.NodeImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What telemetry sends of a node's dead caches and dying groups, folded so that a sample's size
 * does not grow with the jobs a node has churned through: dead caches as one aggregate per (root
 * cache, parent path of the removed group), dying groups as one entry per former parent path. Both
 * encoders use it, so they agree; the order is that of each key's first appearance in the image.
 */
final class NodeTotals {
    private NodeTotals() {
    }

    /** The dead caches of one root cache whose removed groups had one parent. */
    record DeadCaches(String rootName, String parentPath, int caches, long activeObjs, long numObjs, int objsize,
                      int objperslab, int pagesperslab, long activeSlabs, long numSlabs) {
        DeadCaches plus(CacheImage c) {
            return new DeadCaches(rootName, parentPath, caches + 1, activeObjs + c.activeObjs(), numObjs + c.numObjs(),
                    objsize, objperslab, pagesperslab, activeSlabs + c.activeSlabs(), numSlabs + c.numSlabs());
        }
    }

    /** The dying groups whose former parent is one path. */
    record Dying(String parentPath, int count, long kmemBytes, long swapBytes) {
        Dying plus(DyingCgroupImage g) {
            return new Dying(parentPath, count + 1, kmemBytes + g.kmemBytes(), swapBytes + g.swapBytes());
        }
    }

    /**
     * The dead caches folded per (root cache, parent path). A node has few such keys and thousands
     * of dead caches, so each cache is matched against the keys in place, without building strings.
     */
    static List<DeadCaches> deadCaches(NodeImage k) {
        List<DeadCaches> acc = new ArrayList<>();
        for (CacheImage c : k.caches()) {
            if (!c.dead()) {
                continue;
            }
            int i = 0;
            while (i < acc.size() && !sameKey(acc.get(i), c)) {
                i++;
            }
            if (i == acc.size()) {
                acc.add(new DeadCaches(c.rootName(), parentOf(c.memcgPath()), 0, 0, 0, c.objsize(), c.objperslab(),
                        c.pagesperslab(), 0, 0));
            }
            acc.set(i, acc.get(i).plus(c));
        }
        return acc;
    }

    /** Whether a dead cache belongs to an aggregate: its root cache's name, and its removed group's parent. */
    private static boolean sameKey(DeadCaches d, CacheImage c) {
        String name = c.name();
        String root = d.rootName();
        if (!name.startsWith(root) || (name.length() > root.length() && name.charAt(root.length()) != '(')) {
            return false;
        }
        String path = c.memcgPath();
        int slash = path.lastIndexOf('/');
        String parent = d.parentPath();
        return slash <= 0 ? parent.equals("/") : slash == parent.length() && path.startsWith(parent);
    }

    static List<Dying> dying(NodeImage k) {
        Map<String, Dying> acc = new LinkedHashMap<>();
        for (DyingCgroupImage g : k.dyingCgroups()) {
            String parent = parentOf(g.path());
            acc.merge(parent, new Dying(parent, 0, 0, 0).plus(g), (a, b) -> a.plus(g));
        }
        return new ArrayList<>(acc.values());
    }

    /** The parent of a cgroup path: {@code /a} for {@code /a/b}, {@code /} for {@code /a}. */
    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
