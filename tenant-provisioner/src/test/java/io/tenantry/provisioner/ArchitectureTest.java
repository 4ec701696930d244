package io.tenantry.provisioner;

import org.junit.jupiter.api.Test;

import io.tenantry.testing.ArchitectureRules;

class ArchitectureTest {

    @Test
    void resourcesStayThinAndTheServiceStaysInsideItsOwnPackages() {
        ArchitectureRules.verify("io.tenantry.provisioner");
    }
}
