package io.tenantry.provisioner.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.servers.TenantServers;

/**
 * Tenants' login roles and their right to connect to their database. A role can do nothing but connect where it
 * is granted to; its password is derived from the master secret and the credential generation, never stored.
 */
@ApplicationScoped
public class TenantRoles {

    @Inject
    TenantServers servers;

    @Inject
    ProvisionerConfig config;

    /** Creates the role, or sets its password again if it exists, with the configured session limits. */
    public void ensure(String server, OrgId orgId, int generation) throws SQLException {
        String role = TenantCredentials.roleName(orgId);
        String password = Identifiers.passwordLiteral(TenantCredentials.password(config.masterSecret(), orgId, generation));
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            String verb = Catalog.hasRole(c, role) ? "ALTER" : "CREATE";
            s.execute(verb + " ROLE " + Identifiers.quote(role)
                    + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD " + password);
            limitSessions(s, role);
        }
    }

    /**
     * Sets the configured statement, idle-in-transaction and lock timeouts on the role, replacing what it had. They
     * apply to sessions opened afterwards; results-service's pools replace idle connections on their own.
     */
    public void limitSessions(String server, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(server)) {
            limitSessions(c, orgId);
        }
    }

    /**
     * The same over an admin connection to any database of the tenant's server (roles are the server's), changing the
     * role only when its settings differ: each {@code ALTER ROLE} is a catalog write that every session on the server
     * then processes, and a rollout over thousands of tenants would make thousands of them for nothing.
     */
    public void limitSessions(Connection c, OrgId orgId) throws SQLException {
        String role = TenantCredentials.roleName(orgId);
        if (!Set.copyOf(sessionSettings()).equals(Set.copyOf(Catalog.roleSettings(c, role)))) {
            try (Statement s = c.createStatement()) {
                limitSessions(s, role);
            }
        }
    }

    /** The settings the configured limits give a role, as PostgreSQL lists them ({@code pg_roles.rolconfig}). */
    private List<String> sessionSettings() {
        ProvisionerConfig.TenantSessions limits = config.tenantSessions();
        List<String> settings = new ArrayList<>(List.of("statement_timeout=" + limits.statementTimeout().toMillis(),
                "idle_in_transaction_session_timeout=" + limits.idleInTransactionSessionTimeout().toMillis()));
        limits.lockTimeout().ifPresent(timeout -> settings.add("lock_timeout=" + timeout.toMillis()));
        return settings;
    }

    /** The configured session limits as one string, which the registry keeps per tenant once they are set. */
    public String sessionLimits() {
        ProvisionerConfig.TenantSessions limits = config.tenantSessions();
        return "statement_timeout=" + limits.statementTimeout().toMillis()
                + ",idle_in_transaction_session_timeout=" + limits.idleInTransactionSessionTimeout().toMillis()
                + ",lock_timeout=" + limits.lockTimeout().map(t -> Long.toString(t.toMillis())).orElse("none");
    }

    private void limitSessions(Statement s, String role) throws SQLException {
        ProvisionerConfig.TenantSessions limits = config.tenantSessions();
        String alter = "ALTER ROLE " + Identifiers.quote(role);
        s.execute(alter + " SET statement_timeout = " + limits.statementTimeout().toMillis());
        s.execute(alter + " SET idle_in_transaction_session_timeout = " + limits.idleInTransactionSessionTimeout().toMillis());
        if (limits.lockTimeout().isPresent()) {
            s.execute(alter + " SET lock_timeout = " + limits.lockTimeout().get().toMillis());
        } else {
            s.execute(alter + " RESET lock_timeout");
        }
    }

    /** Lets the role connect to its database: once the database is made, and again after a suspension. */
    public void grantConnect(String server, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            grantConnect(s, orgId);
        }
    }

    static void grantConnect(Statement s, OrgId orgId) throws SQLException {
        s.execute("GRANT CONNECT ON DATABASE " + Identifiers.quote(orgId.databaseName()) + " TO "
                + Identifiers.quote(TenantCredentials.roleName(orgId)));
    }

    /** Takes away the right to connect and ends the sessions the role has open. */
    public void lockOut(String server, OrgId orgId) throws SQLException {
        String role = TenantCredentials.roleName(orgId);
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            s.execute("REVOKE CONNECT ON DATABASE " + Identifiers.quote(orgId.databaseName()) + " FROM "
                    + Identifiers.quote(role));
            endSessions(c, role);
        }
    }

    /** Refuses new sign-ins, ends the role's sessions and drops it; it may already be gone. Drop its database first. */
    public void drop(String server, OrgId orgId) throws SQLException {
        String role = TenantCredentials.roleName(orgId);
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            if (Catalog.hasRole(c, role)) {
                s.execute("ALTER ROLE " + Identifiers.quote(role) + " NOLOGIN");
                endSessions(c, role);
            }
            s.execute("DROP ROLE IF EXISTS " + Identifiers.quote(role));
        }
    }

    private static void endSessions(Connection c, String role) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?")) {
            s.setString(1, role);
            s.executeQuery().close();
        }
    }
}
