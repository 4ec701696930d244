package io.tenantry.provisioner.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.tenantry.provisioner.fleet.FleetStatus;

/**
 * Reports tenants behind the newest results schema and failing tenants. Always UP: a lagging or broken tenant
 * is an operator's task, not a reason to take the provisioner out of service.
 */
@Readiness
@ApplicationScoped
public class FleetHealthCheck implements HealthCheck {

    @Inject
    FleetStatus fleet;

    @Override
    public HealthCheckResponse call() {
        try {
            FleetStatus.Lag lag = fleet.lag();
            return HealthCheckResponse.named("Tenant fleet").up()
                    .withData("newestSchemaVersion", lag.newestVersion())
                    .withData("tenantsBehind", lag.behind())
                    .withData("tenantsFailing", lag.failing())
                    .build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("Tenant fleet").up().withData("unknown", e.getMessage()).build();
        }
    }
}
