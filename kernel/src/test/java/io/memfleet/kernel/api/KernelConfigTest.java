package io.memfleet.kernel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KernelConfigTest {
    @Test
    void everyOptionParsesAndPrintsBackToItself() {
        for (String opt : KernelConfig.OPTIONS.split(", ")) {
            KernelConfig c = KernelConfig.parse(opt);
            assertEquals(c, KernelConfig.parse(c.spec()), opt);
        }
        KernelConfig c = KernelConfig.parse("nokmem,kmem-pins-memcg,kmem-memsw-consistent");
        assertEquals("nokmem,kmem-memsw-consistent,kmem-pins-memcg", c.spec());
        assertEquals(c, KernelConfig.parse(c.spec()));
    }

    @Test
    void theLaterKernelsKmemLifetimesAreNamedAndNotPartOfTheIntendedReading() {
        assertTrue(KernelConfig.parse("kmem-pins-memcg").kmemPinsMemcg());
        assertTrue(KernelConfig.parse("kmem-reparent").kmemReparent());
        assertEquals(KernelConfig.INTENDED, KernelConfig.parse("kmem-intended"));
        assertFalse(KernelConfig.INTENDED.kmemPinsMemcg() || KernelConfig.INTENDED.kmemReparent());
        assertEquals(new KernelConfig(true, true, true, true, false, true), KernelConfig.parse("kmem-reparent,kmem-intended"),
                "kmem-intended keeps a lifetime option given before it");
        assertTrue(Arrays.asList(KernelConfig.OPTIONS.split(", ")).containsAll(
                Arrays.asList("kmem-pins-memcg", "kmem-reparent")));
    }

    @Test
    void pinningAndReparentingExcludeEachOther() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelConfig.parse("kmem-pins-memcg,kmem-reparent"));
        assertTrue(e.getMessage().contains("alternatives"), e.getMessage());
    }
}
