package io.memfleet.common;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * Folds transient cgroups into the pattern of their parent, so that a report row, a chart line or
 * a metric label stands for what the experiment declared rather than for each short-lived child a
 * workload made and removed ({@code /jobs/job14} is one of {@code /jobs/*}). A declared path, and
 * the root, stay as they are; any other path becomes the nearest declared ancestor followed by
 * {@code /*}. {@link #none()} keeps every path exact, for whoever asks for it.
 */
public final class CgroupFold {
    /** What a folded path ends with. */
    public static final String WILDCARD = "/*";
    private static final CgroupFold NONE = new CgroupFold(null);

    private final Set<String> declared;

    private CgroupFold(Set<String> declared) {
        this.declared = declared;
    }

    /** Folds every path not among {@code declaredPaths} (trailing slashes ignored). */
    public static CgroupFold declared(Collection<String> declaredPaths) {
        Set<String> d = new TreeSet<>();
        for (String p : declaredPaths) {
            d.add(normal(p));
        }
        d.add("/");
        return new CgroupFold(Set.copyOf(d));
    }

    /** Folds nothing. */
    public static CgroupFold none() {
        return NONE;
    }

    /** Whether this fold changes any path. */
    public boolean folds() {
        return declared != null;
    }

    /** The row {@code path} belongs to: itself when declared (or nothing is folded), else its parent pattern. */
    public String fold(String path) {
        if (declared == null) {
            return path;
        }
        String p = normal(path);
        if (declared.contains(p)) {
            return p;
        }
        String ancestor = p;
        do {
            int slash = ancestor.lastIndexOf('/');
            ancestor = slash <= 0 ? "/" : ancestor.substring(0, slash);
        } while (!declared.contains(ancestor));
        return ancestor.equals("/") ? WILDCARD : ancestor + WILDCARD;
    }

    /** Whether {@code row} (as {@link #fold} returns it) stands for more than one path. */
    public static boolean isPattern(String row) {
        return row.endsWith(WILDCARD);
    }

    private static String normal(String path) {
        String p = path.isEmpty() || path.charAt(0) != '/' ? "/" + path : path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
