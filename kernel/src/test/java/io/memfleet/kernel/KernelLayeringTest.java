package io.memfleet.kernel;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The kernel's packages form a layered graph: api and image (what the node's users see) and mm
 * (infrastructure) depend on no other kernel package, sim on api only (its seed function); memcg, slab and fs build on them; the
 * facade in the root package wires everything; script sits on top. No package cycles anywhere.
 */
class KernelLayeringTest {
    private static final JavaClasses KERNEL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.memfleet.kernel");

    /** Every Java package is its own slice, the root package included. */
    private static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            return SliceIdentifier.of(c.getPackageName());
        }

        @Override
        public String getDescription() {
            return "kernel packages";
        }
    };

    @Test
    void kernelPackagesHaveNoImportCycles() {
        slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles().check(KERNEL);
    }

    @Test
    void theKernelsInterfaceAndInfrastructurePackagesDependOnNoOtherKernelPackage() {
        for (String leaf : new String[] {"api", "image", "mm"}) {
            noClasses().that().resideInAPackage("io.memfleet.kernel." + leaf)
                    .should().dependOnClassesThat().resideOutsideOfPackages("io.memfleet.kernel." + leaf, "java..")
                    .check(KERNEL);
        }
        // the seeded streams take their seed function from the API, which the generators share
        noClasses().that().resideInAPackage("io.memfleet.kernel.sim").should().dependOnClassesThat()
                .resideOutsideOfPackages("io.memfleet.kernel.sim", "io.memfleet.kernel.api", "java..").check(KERNEL);
    }

    @Test
    void onlyTheScriptRunnerTurnsResultsIntoScriptText() {
        noClasses().that().resideOutsideOfPackage("io.memfleet.kernel.script")
                .should().dependOnClassesThat().resideInAPackage("io.memfleet.kernel.script").check(KERNEL);
    }
}
