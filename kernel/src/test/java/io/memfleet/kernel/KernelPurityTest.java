package io.memfleet.kernel;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The kernel is a pure simulation core (STYLE.md): a node is a function of its seed and its event
 * stream. These rules read the compiled classes, so no import alias, fully qualified name or
 * reflection-free call slips past them: no I/O (files, sockets, channels, consoles), no environment
 * or system properties, no clocks, no threads or executors, no UUIDs, and no randomness but the
 * seeded streams ({@code SplittableRandom} made from the node's seed in sim.RandomStreams).
 */
class KernelPurityTest {
    static final JavaClasses KERNEL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.memfleet.kernel");

    static final ArchRule NO_IO = noClasses().should().dependOnClassesThat().resideInAnyPackage("java.io..",
            "java.net..", "java.nio.file..", "java.nio.channels..").because("the kernel reads and writes nothing outside "
            + "its node; checkpoints are byte arrays its caller stores");

    static final ArchRule NO_ENVIRONMENT_OR_CLOCK = noClasses().should().callMethod(System.class, "getenv")
            .orShould().callMethod(System.class, "getenv", String.class)
            .orShould().callMethod(System.class, "getProperty", String.class)
            .orShould().callMethod(System.class, "getProperty", String.class, String.class)
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .orShould().accessField(System.class, "out").orShould().accessField(System.class, "err")
            .orShould().dependOnClassesThat().resideInAPackage("java.time..")
            .because("simulated time is the only time a node knows, and its configuration comes in its events");

    static final ArchRule NO_THREADS = noClasses().should().dependOnClassesThat().areAssignableTo(Thread.class)
            .orShould().dependOnClassesThat().resideInAPackage("java.util.concurrent..")
            .because("one caller thread runs a node; ordering must never depend on scheduling");

    static final ArchRule NO_UNSEEDED_RANDOMNESS = noClasses().should().dependOnClassesThat()
            .belongToAnyOf(java.util.UUID.class, java.util.Random.class, java.security.SecureRandom.class)
            .orShould().callMethod(Math.class, "random")
            .orShould().callConstructorWhere(unseeded())
            .because("randomness comes from the node's seed only (sim.RandomStreams)");

    private static DescribedPredicate<JavaConstructorCall> unseeded() {
        return new DescribedPredicate<>("a SplittableRandom made without a seed") {
            @Override
            public boolean test(JavaConstructorCall call) {
                return call.getTargetOwner().isEquivalentTo(java.util.SplittableRandom.class)
                        && call.getTarget().getParameterTypes().isEmpty();
            }
        };
    }

    @Test
    void theKernelDoesNoIo() {
        NO_IO.check(KERNEL);
    }

    @Test
    void theKernelReadsNoEnvironmentAndNoClock() {
        NO_ENVIRONMENT_OR_CLOCK.check(KERNEL);
    }

    @Test
    void theKernelStartsNoThreads() {
        NO_THREADS.check(KERNEL);
    }

    @Test
    void theKernelUsesOnlySeededRandomness() {
        NO_UNSEEDED_RANDOMNESS.check(KERNEL);
    }

    /** Each rule fails on each deliberate breach it is for (classes of the tests, never of the kernel). */
    @Test
    void eachRuleFailsOnADeliberateBreach() {
        java.util.Map<Class<?>, ArchRule> breaches = java.util.Map.of(Breaches.ReadsAFile.class, NO_IO,
                Breaches.ReadsTheEnvironment.class, NO_ENVIRONMENT_OR_CLOCK, Breaches.ReadsTheClock.class,
                NO_ENVIRONMENT_OR_CLOCK, Breaches.StartsAThread.class, NO_THREADS, Breaches.MakesAUuid.class,
                NO_UNSEEDED_RANDOMNESS, Breaches.RandomWithoutASeed.class, NO_UNSEEDED_RANDOMNESS);
        breaches.forEach((breach, rule) -> org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> rule.check(new ClassFileImporter().importClasses(breach)), breach.getSimpleName()));
    }
}
