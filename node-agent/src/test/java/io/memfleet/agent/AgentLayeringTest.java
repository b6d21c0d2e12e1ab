package io.memfleet.agent;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.memfleet.common.kafka.Partitions;
import org.junit.jupiter.api.Test;

/**
 * The agent's decisions are pure: agent.core knows no Kafka client and no Vert.x (only the partition
 * function Kafka's default partitioner defines, which decides where a node lives); the Kafka side
 * is the thin adapter in agent.kafka.
 */
class AgentLayeringTest {
    static final ArchRule CORE_IS_PURE = noClasses().that().resideInAPackage("io.memfleet.agent.core..")
            .should().dependOnClassesThat(resideInAPackage("org.apache.kafka..").or(resideInAPackage("io.vertx.."))
                    .or(resideInAPackage("io.memfleet..kafka..").and(not(type(Partitions.class)))))
            .because("the agent core decides without I/O; agent.kafka polls, sends and commits");

    @Test
    void theAgentCoreKnowsNoKafkaClientAndNoVertx() {
        CORE_IS_PURE.check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.memfleet.agent"));
    }

    @Test
    void theRuleFailsOnADeliberateBreach() {
        JavaClasses breach = new ClassFileImporter().importClasses(io.memfleet.agent.core.BreachPolls.class);
        assertThrows(AssertionError.class, () -> CORE_IS_PURE.check(breach));
    }
}
