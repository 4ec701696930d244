package io.tenantry.provisioner.tenant;

import java.sql.Connection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.servers.TenantServers;

/**
 * The one Flyway configuration for databases on tenant servers (tenant databases and templates): the server's
 * admin role applies results migrations from the given locations. Everything else is Flyway's default, which
 * includes tolerating migrations applied from a location not listed now, such as a staged one tried on the fleet,
 * and skipping files named like no Flyway Community migration, such as the inverses staged beside migrations.
 */
@ApplicationScoped
class TenantFlyway {

    @Inject
    TenantServers servers;

    Flyway on(String server, String database, List<String> locations) {
        return on(server, database, locations, null);
    }

    /** Migrating stops at {@code targetVersion}; null is the newest at the locations. */
    Flyway on(String server, String database, List<String> locations, String targetVersion) {
        ProvisionerConfig.Server admin = servers.get(server);
        return load(Flyway.configure().dataSource(servers.databaseUrl(server, database), admin.adminUser(),
                admin.adminPassword().orElse("")), locations, targetVersion);
    }

    /** Over an admin connection the caller holds and closes: Flyway opens no connection of its own. */
    Flyway on(Connection connection, List<String> locations, String targetVersion) {
        return load(Flyway.configure().dataSource(new OneConnection(connection)), locations, targetVersion);
    }

    private static Flyway load(FluentConfiguration config, List<String> locations, String targetVersion) {
        config.locations(locations.toArray(String[]::new));
        return (targetVersion == null ? config : config.target(targetVersion)).load();
    }
}
