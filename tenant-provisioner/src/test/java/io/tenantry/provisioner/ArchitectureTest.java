package io.tenantry.provisioner;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.tenantry.testing.ArchitectureRules;

class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tenantry.provisioner");

    @Test
    void resourcesStayThin() {
        ArchitectureRules.resourcesStayThin().allowEmptyShould(true).check(CLASSES);
    }

    @Test
    void staysInsideItsService() {
        ArchitectureRules.staysInside("io.tenantry.provisioner..").allowEmptyShould(true).check(CLASSES);
    }
}
