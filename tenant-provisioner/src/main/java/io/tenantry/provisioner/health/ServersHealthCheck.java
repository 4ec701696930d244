package io.tenantry.provisioner.health;

import java.sql.Connection;
import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.tenantry.provisioner.servers.TenantServers;

/** Ready only when every configured tenant server answers; each server's state is listed. */
@Readiness
@ApplicationScoped
public class ServersHealthCheck implements HealthCheck {

    @Inject
    TenantServers servers;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Tenant PostgreSQL servers").up();
        for (String name : servers.all().keySet()) {
            try (Connection c = servers.admin(name)) {
                response.withData(name, c.isValid(2) ? "UP" : "DOWN");
            } catch (SQLException e) {
                response.down().withData(name, "DOWN: " + e.getMessage());
            }
        }
        return response.build();
    }
}
