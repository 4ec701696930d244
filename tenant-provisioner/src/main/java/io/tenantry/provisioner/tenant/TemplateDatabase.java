package io.tenantry.provisioner.tenant;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import io.tenantry.provisioner.servers.TenantServers;
import io.tenantry.schema.ResultsSchema;

/**
 * A database on each server kept migrated to the newest released results schema, so new tenants are a file copy
 * instead of a migration. Closed to PUBLIC and marked as a template; refreshed once per server per process.
 */
@ApplicationScoped
class TemplateDatabase {

    static final String NAME = "tenantry_template";
    private static final Logger LOG = Logger.getLogger(TemplateDatabase.class);

    private final Map<String, Optional<String>> versions = new ConcurrentHashMap<>();

    @Inject
    TenantServers servers;

    @Inject
    TenantFlyway flyway;

    /**
     * The schema version the server's template holds, or empty when it could not be prepared: tenants there then
     * get a plain database and a full migration.
     */
    Optional<String> version(String server) {
        return versions.computeIfAbsent(server, this::refresh);
    }

    private Optional<String> refresh(String server) {
        String template = Identifiers.quote(NAME);
        try {
            try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
                if (!Catalog.hasDatabase(c, NAME)) {
                    s.execute("CREATE DATABASE " + template);
                }
                s.execute("REVOKE ALL ON DATABASE " + template + " FROM PUBLIC");
            }
            Flyway migrations = flyway.on(server, NAME, List.of(ResultsSchema.LOCATION));
            migrations.migrate();
            try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + template + " WITH IS_TEMPLATE true");
            }
            return Optional.ofNullable(migrations.info().current()).map(m -> m.getVersion().getVersion());
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("no template database on %s (%s); tenants there get a full migration", server, e.getMessage());
            return Optional.empty();
        }
    }
}
