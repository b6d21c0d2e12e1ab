package io.memfleet.controller;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.memfleet.common.kafka.Partitions;
import org.junit.jupiter.api.Test;

/**
 * The controller's decisions (controller.model: the fleet's state, series and metrics;
 * controller.experiment: the experiment lifecycle and rollouts) know neither Vert.x nor Kafka (only
 * the partition function of Kafka's default partitioner, which says where a node lives): the
 * verticle and the feed are adapters around them. Nor does the controller run generators.
 */
class ControllerLayeringTest {
    static final ArchRule CORE_IS_PURE = noClasses().that()
            .resideInAnyPackage("io.memfleet.controller.model..", "io.memfleet.controller.experiment..")
            .should().dependOnClassesThat(resideInAnyPackage("io.vertx..", "org.apache.kafka..", "io.memfleet..kafka..",
                    "io.memfleet.controller.http..").and(not(type(Partitions.class))))
            .because("decisions are tested without a broker or an event loop; I/O lives in http and kafka");

    static final ArchRule GENERATES_NOTHING = noClasses().that().resideInAPackage("io.memfleet.controller..")
            .should().dependOnClassesThat(resideInAnyPackage("io.memfleet.workload.kafka.."))
            .because("generators are started by whoever composes the fleet (the command line), not by the controller");

    @Test
    void theControllerStartsNoGenerator() {
        GENERATES_NOTHING.check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.memfleet.controller"));
    }

    @Test
    void theControllersDecisionsKnowNeitherVertxNorKafka() {
        CORE_IS_PURE.check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.memfleet.controller"));
    }

    @Test
    void theRuleFailsOnADeliberateBreach() {
        assertThrows(AssertionError.class, () -> CORE_IS_PURE.check(new ClassFileImporter()
                .importClasses(io.memfleet.controller.model.BreachAnswers.class)));
    }
}
