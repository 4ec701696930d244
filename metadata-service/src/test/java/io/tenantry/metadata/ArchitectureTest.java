package io.tenantry.metadata;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import io.tenantry.testing.ArchitectureRules;

class ArchitectureTest {

    /** What every feature builds on: who calls and what they may do, the audit log, persistence. */
    static final String[] FOUNDATIONS = {"io.tenantry.metadata.security..", "io.tenantry.metadata.audit..",
            "io.tenantry.metadata.persistence.."};

    @Test
    void resourcesStayThinAndTheServiceStaysInsideItsOwnPackages() {
        ArchitectureRules.verify("io.tenantry.metadata");
    }

    @Test
    void foundationsDependOnNoFeature() {
        foundationsStayBelowTheFeatures().check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.tenantry.metadata"));
    }

    static ArchRule foundationsStayBelowTheFeatures() {
        return noClasses().that().resideInAnyPackage(FOUNDATIONS)
                .should().dependOnClassesThat(resideInAPackage("io.tenantry.metadata..")
                        .and(not(resideInAnyPackage(FOUNDATIONS))))
                .because("the guard, the audit log, request ids and persistence helpers serve every feature, so "
                        + "they cannot know any of them");
    }
}
