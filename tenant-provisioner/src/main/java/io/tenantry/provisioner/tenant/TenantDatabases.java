package io.tenantry.provisioner.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
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

    /** The name of the database a restore builds beside the tenant's own, before it swaps them. */
    public static String restoringName(OrgId orgId) {
        return orgId.databaseName() + "__restoring";
    }

    /** The name the tenant's previous database has after a restore swapped it out, until it is dropped. */
    public static String replacedName(OrgId orgId) {
        return orgId.databaseName() + "__replaced";
    }

    public boolean exists(String server, String database) throws SQLException {
        try (Connection c = servers.admin(server)) {
            return Catalog.hasDatabase(c, database);
        }
    }

    /** A new, empty database closed to PUBLIC, replacing any left over under the name. */
    public void createEmpty(String server, String database) throws SQLException {
        String quoted = Identifiers.quote(database);
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + quoted);
            s.execute("REVOKE ALL ON DATABASE " + quoted + " FROM PUBLIC");
        }
    }

    public void dropNamed(String server, String database) throws SQLException {
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(database) + " WITH (FORCE)");
        }
    }

    /**
     * Puts {@code replacement} in the tenant database's place, and the tenant database under {@link #replacedName}:
     * the tenant's database stops taking connections, its sessions are ended, and both renames commit in one
     * transaction, so the tenant's name always belongs to exactly one of them.
     */
    public void swapIn(String server, OrgId orgId, String replacement) throws SQLException {
        String current = Identifiers.quote(orgId.databaseName());
        String replaced = Identifiers.quote(replacedName(orgId));
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + replaced + " WITH (FORCE)");
            s.execute("ALTER DATABASE " + current + " WITH ALLOW_CONNECTIONS false");
            try {
                for (int attempt = 1; ; attempt++) {
                    try (PreparedStatement end = c.prepareStatement(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?")) {
                        end.setString(1, orgId.databaseName());
                        end.executeQuery().close();
                    }
                    c.setAutoCommit(false);
                    try {
                        s.execute("ALTER DATABASE " + current + " RENAME TO " + replaced);
                        s.execute("ALTER DATABASE " + Identifiers.quote(replacement) + " RENAME TO " + current);
                        c.commit();
                        break;
                    } catch (SQLException e) {
                        c.rollback();
                        // 55006: a session was still ending; it is gone a moment later.
                        if (!"55006".equals(e.getSQLState()) || attempt == 20) {
                            throw e;
                        }
                    } finally {
                        c.setAutoCommit(true);
                    }
                    Thread.sleep(50L * attempt);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while swapping databases", e);
            } catch (SQLException e) {
                s.execute("ALTER DATABASE " + current + " WITH ALLOW_CONNECTIONS true");
                throw e;
            }
        }
    }

    /**
     * Opens a database of the tenant's to the administrator alone (the replaced one, for its safety backup): the
     * tenant role's {@code CONNECT} goes first, then connections are allowed again.
     */
    public void openToAdministratorOnly(String server, OrgId orgId, String database) throws SQLException {
        String quoted = Identifiers.quote(database);
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            s.execute("REVOKE ALL ON DATABASE " + quoted + " FROM PUBLIC");
            s.execute("REVOKE CONNECT ON DATABASE " + quoted + " FROM "
                    + Identifiers.quote(TenantCredentials.roleName(orgId)));
            s.execute("ALTER DATABASE " + quoted + " WITH ALLOW_CONNECTIONS true");
        }
    }

    /** Lets the tenant's database take connections again, after a swap that did not happen. */
    public void reopen(String server, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            if (Catalog.hasDatabase(c, orgId.databaseName())) {
                s.execute("ALTER DATABASE " + Identifiers.quote(orgId.databaseName()) + " WITH ALLOW_CONNECTIONS true");
            }
        }
    }

    /**
     * PostgreSQL lets every role connect to every database unless PUBLIC's CONNECT is revoked, so the maintenance
     * database, templates and any other database on a tenant server are closed to PUBLIC. Owners and explicitly
     * granted roles keep their access. Spare databases are left to their build, which closes each right after
     * creating it: revoking from a spare at that same moment updates the same catalog row, and PostgreSQL fails one
     * of the two ("tuple concurrently updated"), a provisioning or a refill.
     */
    static void closePublicDoors(Connection c) throws SQLException {
        List<String> open = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT datname FROM pg_database WHERE datallowconn AND datname NOT LIKE 'results\\_%'"
                        + " AND datname NOT LIKE ? AND has_database_privilege('public', oid, 'CONNECT')")) {
            s.setString(1, SpareDatabases.NAME_LIKE);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    open.add(rs.getString(1));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String database : open) {
                s.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + Identifiers.quote(database) + " FROM PUBLIC");
            }
        }
    }

    /** Copies the template, or returns false when it is busy (another session on it) so the caller creates plainly. */
    static boolean copyTemplate(Statement s, String database) throws SQLException {
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
