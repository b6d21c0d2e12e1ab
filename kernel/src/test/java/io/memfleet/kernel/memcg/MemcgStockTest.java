package io.memfleet.kernel.memcg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.mm.PhysMem;
import org.junit.jupiter.api.Test;

/** struct memcg_stock_pcp: pre-charged pages of one group per CPU, given back to its counters when drained. */
class MemcgStockTest {
    private static final long PAGE = PhysMem.PAGE_SIZE;

    private final MemCgroup root = new MemCgroup(MemCgroup.ROOT_ID, "", null);
    private final MemcgStock stock = new MemcgStock(2);

    /** A group whose counters hold {@code pages} pre-charged pages, stocked on {@code cpu}. */
    private MemCgroup stocked(MemCgroup g, int cpu, long pages) {
        assertNull(g.res.charge(pages * PAGE));
        assertNull(g.memsw.charge(pages * PAGE));
        stock.refillStock(cpu, g, pages);
        return g;
    }

    @Test
    void consumeStockServesOnlyTheCachedGroupWithEnoughPages() {
        MemCgroup a = stocked(new MemCgroup(2, "a", root), 0, 4);
        MemCgroup b = new MemCgroup(3, "b", root);
        assertFalse(stock.consumeStock(0, b, 1), "another group's stock");
        assertFalse(stock.consumeStock(1, a, 1), "another CPU's stock");
        assertFalse(stock.consumeStock(0, a, 5), "more than is stocked");
        assertTrue(stock.consumeStock(0, a, 3));
        assertEquals(1, stock.nrPages(0));
        assertEquals(4 * PAGE, a.res.usage(), "a stock hit leaves the counters alone");
    }

    @Test
    void consumeUpToTakesAtMostWhatIsStocked() {
        MemCgroup a = stocked(new MemCgroup(2, "a", root), 0, 4);
        assertEquals(0, stock.consumeUpTo(0, new MemCgroup(3, "b", root), 2));
        assertEquals(3, stock.consumeUpTo(0, a, 3));
        assertEquals(1, stock.consumeUpTo(0, a, 3));
        assertEquals(0, stock.nrPages(0));
        assertSame(a, stock.cached(0), "an empty stock still names its group");
    }

    @Test
    void refillForAnotherGroupDrainsTheOldGroupsPagesBackToItsCounters() {
        MemCgroup a = stocked(new MemCgroup(2, "a", root), 0, MemcgCharger.CHARGE_BATCH);
        MemCgroup b = stocked(new MemCgroup(3, "b", root), 0, 2);
        assertEquals(0, a.res.usage());
        assertEquals(0, a.memsw.usage());
        assertSame(b, stock.cached(0));
        assertEquals(2, stock.nrPages(0));
    }

    @Test
    void refillForTheCachedGroupAddsToItsStock() {
        MemCgroup a = stocked(new MemCgroup(2, "a", root), 1, 2);
        stocked(a, 1, 3);
        assertEquals(5, stock.nrPages(1));
        assertEquals(5 * PAGE, a.res.usage());
    }

    @Test
    void drainStockUnchargesTheStockedPagesAndForgetsTheGroup() {
        MemCgroup a = stocked(new MemCgroup(2, "a", root), 0, 3);
        assertTrue(stock.consumeStock(0, a, 1)); // one page is in use: it stays charged
        stock.drainStock(0);
        assertEquals(PAGE, a.res.usage());
        assertEquals(PAGE, a.memsw.usage());
        assertNull(stock.cached(0));
        assertEquals(0, stock.nrPages(0));
    }

    @Test
    void drainAllStockDrainsTheGroupAndItsHierarchicalDescendantsOnly() {
        MemCgroup parent = new MemCgroup(2, "p", root);
        parent.setFlag(MemCgroup.MEMCG_USE_HIERARCHY, true);
        MemCgroup child = stocked(new MemCgroup(3, "c", parent), 0, 2);
        MemCgroup other = stocked(new MemCgroup(4, "o", root), 1, 2);
        stock.drainAllStock(parent);
        assertNull(stock.cached(0));
        assertEquals(0, child.res.usage());
        assertEquals(0, parent.res.usage(), "the child's counters are chained to the parent's");
        assertSame(other, stock.cached(1));
        assertEquals(2 * PAGE, other.res.usage());
    }

    @Test
    void stockedPagesSumsTheGroupsStockOverAllCpus() {
        MemCgroup a = stocked(new MemCgroup(2, "a", root), 0, 3);
        stocked(a, 1, 4);
        assertEquals(7, stock.stockedPages(a));
        assertEquals(0, stock.stockedPages(root));
    }
}
