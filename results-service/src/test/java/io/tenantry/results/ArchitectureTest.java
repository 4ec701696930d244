package io.tenantry.results;

import org.junit.jupiter.api.Test;

import io.tenantry.testing.ArchitectureRules;

class ArchitectureTest {

    @Test
    void resourcesStayThinAndTheServiceStaysInsideItsOwnPackages() {
        ArchitectureRules.verify("io.tenantry.results");
    }
}
