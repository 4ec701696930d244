package io.tenantry.common;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.tenantry.testing.ArchitectureRules;

class ArchitectureTest {

    @Test
    void packagesImportEachOtherInNoCycle() {
        ArchitectureRules.freeOfCycles("io.tenantry.common").check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.tenantry.common"));
    }
}
