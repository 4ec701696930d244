package io.tenantry.metadata;

import org.junit.jupiter.api.Test;

import io.tenantry.testing.ArchitectureRules;

class ArchitectureTest {

    @Test
    void resourcesStayThinAndTheServiceStaysInsideItsOwnPackages() {
        ArchitectureRules.verify("io.tenantry.metadata");
    }
}
