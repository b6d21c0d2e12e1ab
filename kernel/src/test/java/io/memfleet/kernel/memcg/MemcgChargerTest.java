package io.memfleet.kernel.memcg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.memfleet.kernel.api.Errno;
import io.memfleet.kernel.mm.Klog;
import io.memfleet.kernel.mm.PhysMem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * __mem_cgroup_try_charge() on a controller with no tasks and no pages to reclaim: a batch for the
 * stock, the exact size when the batch is refused, and a failure that counts failcnt.
 */
class MemcgChargerTest {
    private static final long PAGE = PhysMem.PAGE_SIZE;
    private static final int CPU = 0;

    private final List<Task> tasks = new ArrayList<>();
    private final MemController mc = new MemController(2, new PhysMem(1 << 16, 0), new Klog(), () -> tasks, t -> { });
    private final MemcgCharger charger = mc.charger();
    private final MemcgStock stock = mc.stock();

    private MemCgroup group(String name, long limitPages) {
        assertEquals(Errno.OK, mc.mkdir(mc.root(), name));
        MemCgroup g = mc.root().child(name);
        assertEquals(Errno.OK, mc.resizeLimit(g, limitPages * PAGE));
        return g;
    }

    private ChargeResult charge(MemCgroup g, long pages, ChargeMode mode) {
        return charger.tryCharge(null, CPU, g, pages, mode, OomKiller.GFP_KERNEL);
    }

    @Test
    void firstChargeTakesABatchAndStocksWhatItDidNotNeed() {
        MemCgroup g = group("g", 256);
        assertEquals(ChargeResult.OK, charge(g, 1, ChargeMode.BATCH));
        assertEquals(MemcgCharger.CHARGE_BATCH * PAGE, g.res.usage());
        assertEquals(MemcgCharger.CHARGE_BATCH * PAGE, g.memsw.usage());
        assertSame(g, stock.cached(CPU));
        assertEquals(MemcgCharger.CHARGE_BATCH - 1, stock.nrPages(CPU));
    }

    @Test
    void chargeServedByTheStockLeavesTheCountersAlone() {
        MemCgroup g = group("g", 256);
        charge(g, 1, ChargeMode.BATCH);
        assertEquals(ChargeResult.OK, charge(g, 4, ChargeMode.BATCH));
        assertEquals(MemcgCharger.CHARGE_BATCH * PAGE, g.res.usage());
        assertEquals(MemcgCharger.CHARGE_BATCH - 5, stock.nrPages(CPU));
    }

    @Test
    void exactChargeTakesOnlyThePagesAskedFor() {
        MemCgroup g = group("g", 256);
        assertEquals(ChargeResult.OK, charge(g, 3, ChargeMode.EXACT));
        assertEquals(3 * PAGE, g.res.usage());
        assertNull(stock.cached(CPU));
    }

    @Test
    void batchRefusedAtTheLimitIsRetriedWithTheExactSize() {
        MemCgroup g = group("g", 8);
        assertEquals(ChargeResult.OK, charge(g, 1, ChargeMode.BATCH));
        assertEquals(PAGE, g.res.usage());
        assertEquals(1, g.res.failcnt(), "the refused batch counts");
        assertEquals(0, stock.nrPages(CPU));
    }

    @Test
    void chargeBeyondLimitFailsAndCountsFailcnt() {
        MemCgroup g = group("g", 1);
        assertEquals(ChargeResult.OK, charge(g, 1, ChargeMode.EXACT));
        assertEquals(ChargeResult.NOMEM, charge(g, 1, ChargeMode.BATCH_NO_OOM));
        assertEquals(PAGE, g.res.usage(), "nothing stays charged");
        assertEquals(2, g.res.failcnt(), "the batch, then the exact page");
    }

    @Test
    void chargeThatMayOomFailsWhenTheOomKillerFindsNoTask() {
        MemCgroup g = group("g", 1);
        charge(g, 1, ChargeMode.EXACT);
        assertEquals(ChargeResult.NOMEM, charge(g, 1, ChargeMode.EXACT));
        assertEquals(PAGE, g.res.usage());
        assertEquals(MemcgCharger.MEM_CGROUP_RECLAIM_RETRIES + 1, g.res.failcnt(),
                "five rounds of reclaim, then the one that calls the OOM killer");
    }

    @Test
    void rootIsNeverCharged() {
        assertEquals(ChargeResult.OK, charge(mc.root(), 8, ChargeMode.BATCH));
        assertEquals(0, mc.root().res.usage());
        assertNull(stock.cached(CPU));
    }

    @Test
    void dyingTaskBypassesTheCharge() {
        MemCgroup g = group("g", 256);
        Task t = new Task(1, CPU, g, 0);
        t.sendSigkill();
        assertEquals(ChargeResult.BYPASS, charger.tryCharge(t, CPU, g, 1, ChargeMode.BATCH, OomKiller.GFP_KERNEL));
        assertEquals(0, g.res.usage());
    }

    @Test
    void chargeEachTakesPagesOneByOneWhileTheBatchIsRefused() {
        MemCgroup g = group("g", 8);
        assertEquals(5, charger.chargeEach(null, CPU, g, 5));
        assertEquals(5 * PAGE, g.res.usage());
        assertEquals(5, g.res.failcnt(), "each page's batch was refused");
        assertEquals(3, charger.chargeEach(null, CPU, g, 10), "stops at the limit");
    }

    @Test
    void chargeEachStopsWhereABatchWouldBeTaken() {
        MemCgroup g = group("g", 256);
        assertEquals(0, charger.chargeEach(null, CPU, g, 5));
        assertEquals(0, g.res.usage());
    }

    @Test
    void cancelChargeUnchargesResAndMemsw() {
        MemCgroup g = group("g", 256);
        charge(g, 4, ChargeMode.EXACT);
        charger.cancelCharge(g, 3);
        assertEquals(PAGE, g.res.usage());
        assertEquals(PAGE, g.memsw.usage());
    }

    @Test
    void chargeRefusedByAHierarchicalParentCountsThePartsFailcnt() {
        MemCgroup parent = group("p", 4);
        assertEquals(Errno.OK, mc.setUseHierarchy(parent, 1));
        assertEquals(Errno.OK, mc.mkdir(parent, "c"));
        MemCgroup child = parent.child("c");
        assertEquals(ChargeResult.OK, charge(child, 4, ChargeMode.EXACT));
        assertEquals(ChargeResult.NOMEM, charge(child, 1, ChargeMode.BATCH_NO_OOM));
        assertEquals(4 * PAGE, parent.res.usage());
        assertEquals(0, child.res.failcnt());
        assertEquals(2, parent.res.failcnt());
    }
}
