package io.memfleet.workload.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loaded traces, shared by everything in one process that needs the same one (the submitting
 * CLI's check, the controller's, the generator's threads), so a trace is read once, not three
 * times. A changed file (size or modification time) is read again. At most four are kept.
 */
public final class TraceStore {
    private record Key(TraceSpec spec, int keep, long size, long modified) { }

    private static final Map<Key, TraceSet> LOADED = new LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, TraceSet> eldest) {
            return size() > 4;
        }
    };

    private TraceStore() {
    }

    /** The trace of {@code spec}, its first {@code keep} series held; checked row by row on first use. */
    public static TraceSet load(TraceSpec spec, int keep) throws TraceException {
        Key key;
        try {
            BasicFileAttributes a = Files.readAttributes(spec.path(), BasicFileAttributes.class);
            key = new Key(spec, keep, a.size(), a.lastModifiedTime().toMillis());
        } catch (IOException e) {
            throw new TraceException("path", spec.path() + ": no such file or directory");
        }
        synchronized (LOADED) {
            TraceSet t = LOADED.get(key);
            if (t != null) {
                return t;
            }
        }
        TraceSet t = TraceLoader.load(spec, keep);
        synchronized (LOADED) {
            LOADED.put(key, t);
        }
        return t;
    }
}
