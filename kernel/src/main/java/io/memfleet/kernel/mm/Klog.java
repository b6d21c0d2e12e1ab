package io.memfleet.kernel.mm;

import java.util.ArrayList;
import java.util.List;

/** The kernel log ring: lines written since the last read are returned by {@link #drain()}. */
public final class Klog {
    private static final int MAX_UNREAD = 4096;
    private final List<String> unread = new ArrayList<>();
    /** Lines written since {@link #mark()}: what one command logged. */
    private final List<String> recent = new ArrayList<>();
    private long dropped;

    public void printk(String line) {
        if (recent.size() < MAX_UNREAD) {
            recent.add(line);
        }
        if (unread.size() >= MAX_UNREAD) {
            dropped++;
            return;
        }
        unread.add(line);
    }

    /** Starts a new command: {@link #recent()} is empty again. */
    public void mark() {
        if (!recent.isEmpty()) {
            recent.clear();
        }
    }

    /** The lines written since the last {@link #mark()} (a live view). */
    public List<String> recent() {
        return recent;
    }

    public long dropped() {
        return dropped;
    }

    /** The unread lines, oldest first (a live view). */
    public List<String> unread() {
        return unread;
    }

    /** Restores a checkpointed log: the unread lines and the count of lines suppressed since. */
    public void restore(List<String> lines, long droppedSince) {
        unread.clear();
        unread.addAll(lines);
        dropped = droppedSince;
    }

    public List<String> drain() {
        List<String> out = new ArrayList<>(unread);
        if (dropped > 0) {
            out.add("printk: " + dropped + " messages suppressed");
            dropped = 0;
        }
        unread.clear();
        return out;
    }

    public boolean hasUnread() {
        return !unread.isEmpty();
    }
}
