package io.memfleet.kernel.image;

/** The local counters behind memory.stat, in the order 3.3 prints them (mm/memcontrol.c memcg_stat_strings). */
public enum StatItem {
    CACHE("cache", true), RSS("rss", true), MAPPED_FILE("mapped_file", true),
    PGPGIN("pgpgin", false), PGPGOUT("pgpgout", false), SWAP("swap", true),
    PGFAULT("pgfault", false), PGMAJFAULT("pgmajfault", false),
    INACTIVE_ANON("inactive_anon", true), ACTIVE_ANON("active_anon", true),
    INACTIVE_FILE("inactive_file", true), ACTIVE_FILE("active_file", true),
    UNEVICTABLE("unevictable", true);

    public static final StatItem[] ALL = values();
    /** Bytes per page (x86_64). */
    public static final long PAGE_SIZE = 4096;

    private final String name;
    private final boolean inPages;

    StatItem(String name, boolean inPages) {
        this.name = name;
        this.inPages = inPages;
    }

    public String statName() {
        return name;
    }

    /** Page counts print as bytes; event counters print as they are. */
    public boolean inPages() {
        return inPages;
    }
}
