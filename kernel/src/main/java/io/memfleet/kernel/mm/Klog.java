package io.memfleet.kernel.mm;

import java.util.ArrayList;
import java.util.List;

/** The kernel log ring: lines written since the last read are returned by {@link #drain()}. */
public final class Klog {
    private static final int MAX_UNREAD = 4096;
    private final List<String> unread = new ArrayList<>();
    private long dropped;

    public void printk(String line) {
        if (unread.size() >= MAX_UNREAD) {
            dropped++;
            return;
        }
        unread.add(line);
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
