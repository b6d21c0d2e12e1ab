package io.memfleet.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Every module above the kernel uses it through its public surface only: the facade
 * ({@code io.memfleet.kernel.Kernel}), its commands, results and seeds ({@code kernel.api}), its
 * images ({@code kernel.image}) and its script language ({@code kernel.script}, SIM-SCRIPT.md);
 * never its internals (memcg, slab, fs, mm, sim) or {@code Kernel.Internals}. The benchmarks, which
 * measure the internals, are not on this classpath.
 */
class KernelApiUseTest {
    static final ArchRule THROUGH_THE_API = noClasses().that().resideOutsideOfPackage("io.memfleet.kernel..")
            .should().dependOnClassesThat().resideInAnyPackage("io.memfleet.kernel.memcg..", "io.memfleet.kernel.slab..",
                    "io.memfleet.kernel.fs..", "io.memfleet.kernel.mm..", "io.memfleet.kernel.sim..")
            .orShould().dependOnClassesThat().belongToAnyOf(io.memfleet.kernel.Kernel.Internals.class)
            .because("the kernel's internals change without notice; its API is the contract");

    @Test
    void everyModuleUsesTheKernelThroughItsApi() {
        THROUGH_THE_API.check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.memfleet"));
    }

    @Test
    void theRuleFailsOnADeliberateBreach() {
        assertThrows(AssertionError.class, () -> THROUGH_THE_API.check(new ClassFileImporter()
                .importClasses(BreachReachesUnder.class)));
    }

    /** What no module may do: reach under the kernel's API. */
    static final class BreachReachesUnder {
        static Object charger(io.memfleet.kernel.Kernel k) {
            return k.internals().memController();
        }
    }
}
