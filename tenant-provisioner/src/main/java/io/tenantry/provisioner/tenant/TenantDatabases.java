package io.tenantry.provisioner.tenant;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.common.OrgId;
import io.tenantry.provisioner.servers.TenantServers;

/**
 * Tenants' databases on their servers. Every operation checks before it acts, so running it again after a crash
 * at any point finishes the job instead of failing on what already exists.
 */
@ApplicationScoped
public class TenantDatabases {

    @Inject
    TenantServers servers;

    @Inject
    TemplateDatabase template;

    /**
     * The tenant's database, closed to PUBLIC (its role is let in by {@link TenantRoles#grantConnect}): a copy of
     * the server's template when it is ready, otherwise an empty database. Returns the schema version it was copied
     * at, if it was.
     */
    public Optional<String> ensure(String server, OrgId orgId) throws SQLException {
        String database = Identifiers.quote(orgId.databaseName());
        Optional<String> copiedAt = Optional.empty();
        Optional<String> templateVersion = template.version(server);
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            closePublicDoors(c);
            if (!Catalog.hasDatabase(c, orgId.databaseName())) {
                if (templateVersion.isPresent() && copyTemplate(s, database)) {
                    copiedAt = templateVersion;
                } else {
                    s.execute("CREATE DATABASE " + database);
                }
            }
            s.execute("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC");
        }
        return copiedAt;
    }

    public boolean exists(String server, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(server)) {
            return Catalog.hasDatabase(c, orgId.databaseName());
        }
    }

    /** Drops the database, ending any session still on it; it may already be gone. */
    public void drop(String server, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(orgId.databaseName()) + " WITH (FORCE)");
        }
    }

    /**
     * PostgreSQL lets every role connect to every database unless PUBLIC's CONNECT is revoked, so the maintenance
     * database, templates and any other database on a tenant server are closed to PUBLIC. Owners and explicitly
     * granted roles keep their access.
     */
    private static void closePublicDoors(Connection c) throws SQLException {
        List<String> open = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT datname FROM pg_database WHERE datallowconn AND datname NOT LIKE 'results\\_%'"
                        + " AND has_database_privilege('public', oid, 'CONNECT')")) {
            while (rs.next()) {
                open.add(rs.getString(1));
            }
        }
        try (Statement s = c.createStatement()) {
            for (String database : open) {
                s.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + Identifiers.quote(database) + " FROM PUBLIC");
            }
        }
    }

    /** Copies the template, or returns false when it is busy (another session on it) so the caller creates plainly. */
    private static boolean copyTemplate(Statement s, String database) throws SQLException {
        try {
            s.execute("CREATE DATABASE " + database + " TEMPLATE " + Identifiers.quote(TemplateDatabase.NAME));
            return true;
        } catch (SQLException e) {
            if ("55006".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }
}
