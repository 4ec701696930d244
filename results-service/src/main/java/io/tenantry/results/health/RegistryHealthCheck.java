package io.tenantry.results.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.tenantry.results.store.RegistryStore;

/**
 * Ready only while the tenant registry answers, since no request can be routed without it. Tenant databases are
 * deliberately not checked: one tenant's database being down fails only that tenant's requests.
 */
@Readiness
@ApplicationScoped
public class RegistryHealthCheck implements AsyncHealthCheck {

    @Inject
    RegistryStore registry;

    @Override
    public Uni<HealthCheckResponse> call() {
        return registry.countActiveTenants()
                .map(active -> HealthCheckResponse.named("Tenant registry").up()
                        .withData("activeTenants", active).build())
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("Tenant registry").down()
                        .withData("error", String.valueOf(e.getMessage())).build());
    }
}
