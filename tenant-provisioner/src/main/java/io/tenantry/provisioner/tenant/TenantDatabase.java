package io.tenantry.provisioner.tenant;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.PGConnection;

import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.servers.TenantServers;
import io.tenantry.schema.ResultsSchema;

/**
 * What the provisioner does to a tenant's PostgreSQL server. Every operation checks before it acts, so running it
 * again after a crash at any point finishes the job instead of failing on what already exists.
 */
@ApplicationScoped
public class TenantDatabase {

    static final String TEMPLATE = "tenantry_template";
    private static final Logger LOG = Logger.getLogger(TenantDatabase.class);

    private final Map<String, Optional<String>> templates = new ConcurrentHashMap<>();

    @Inject
    TenantServers servers;

    @Inject
    ProvisionerConfig config;

    @Inject
    ResultsMigrations migrations;

    public record Migration(String version, String description, int durationMs) {
    }

    /** A login role that can do nothing but connect where it is granted to. */
    public void ensureRole(String server, OrgId orgId, int generation) throws SQLException {
        String role = TenantCredentials.roleName(orgId);
        String password = Identifiers.passwordLiteral(TenantCredentials.password(config.masterSecret(), orgId, generation));
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            String verb = exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role) ? "ALTER" : "CREATE";
            s.execute(verb + " ROLE " + Identifiers.quote(role)
                    + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD " + password);
        }
    }

    /**
     * The tenant's database, which only its own role may connect to: a copy of the server's template when it is
     * ready, otherwise an empty database. Returns the schema version it was copied at, if it was.
     */
    public Optional<String> ensureDatabase(String server, OrgId orgId) throws SQLException {
        String database = Identifiers.quote(orgId.databaseName());
        String role = Identifiers.quote(TenantCredentials.roleName(orgId));
        Optional<String> copiedAt = Optional.empty();
        Optional<String> templateVersion = template(server);
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            closePublicDoors(c);
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", orgId.databaseName())) {
                if (templateVersion.isPresent() && copyTemplate(s, database)) {
                    copiedAt = templateVersion;
                } else {
                    s.execute("CREATE DATABASE " + database);
                }
            }
            s.execute("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC");
            s.execute("GRANT CONNECT ON DATABASE " + database + " TO " + role);
        }
        return copiedAt;
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

    /**
     * Keeps a template database migrated to the newest results schema on the server, so new tenants are a file
     * copy instead of a migration. Refreshed once per server per process; returns the version it holds, or empty
     * when the template could not be prepared (tenants then get a plain database and a full migration).
     */
    Optional<String> template(String server) {
        return templates.computeIfAbsent(server, this::refreshTemplate);
    }

    private Optional<String> refreshTemplate(String server) {
        String template = Identifiers.quote(TEMPLATE);
        try {
            try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
                if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", TEMPLATE)) {
                    s.execute("CREATE DATABASE " + template);
                }
                s.execute("REVOKE ALL ON DATABASE " + template + " FROM PUBLIC");
            }
            ProvisionerConfig.Server target = servers.get(server);
            Flyway flyway = Flyway.configure()
                    .dataSource(servers.databaseUrl(server, TEMPLATE), target.adminUser(), target.adminPassword().orElse(""))
                    .locations(ResultsSchema.LOCATION)
                    .load();
            flyway.migrate();
            try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + template + " WITH IS_TEMPLATE true");
            }
            return Optional.ofNullable(flyway.info().current()).map(m -> m.getVersion().getVersion());
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("no template database on %s (%s); tenants there get a full migration", server, e.getMessage());
            return Optional.empty();
        }
    }

    /** Copies the template, or returns false when it is busy (another session on it) so the caller creates plainly. */
    private static boolean copyTemplate(Statement s, String database) throws SQLException {
        try {
            s.execute("CREATE DATABASE " + database + " TEMPLATE " + Identifiers.quote(TEMPLATE));
            return true;
        } catch (SQLException e) {
            if ("55006".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Brings a new tenant's database to the newest schema and grants its role what it needs on the tables. A copy
     * of the template arrives with its tables but without grants for the new role, so they are always given here.
     */
    public List<Migration> prepare(String server, OrgId orgId) throws SQLException {
        List<Migration> applied = applyMigrations(server, orgId, migrations.locations());
        grantTables(server, orgId);
        return applied;
    }

    /**
     * Applies pending migrations from the given locations, and grants the tenant role the tables they made. PostgreSQL
     * runs each migration in a transaction, so a failing one leaves the tenant on its previous version. With nothing
     * pending, it costs one connection and a look at the schema history.
     */
    public List<Migration> migrate(String server, OrgId orgId, List<String> locations) throws SQLException {
        List<Migration> applied = applyMigrations(server, orgId, locations);
        if (!applied.isEmpty()) {
            grantTables(server, orgId);
        }
        return applied;
    }

    private List<Migration> applyMigrations(String server, OrgId orgId, List<String> locations) {
        ProvisionerConfig.Server target = servers.get(server);
        MigrateResult result = Flyway.configure()
                .dataSource(servers.databaseUrl(server, orgId.databaseName()), target.adminUser(),
                        target.adminPassword().orElse(""))
                .locations(locations.toArray(String[]::new))
                .load()
                .migrate();
        List<Migration> applied = new ArrayList<>();
        result.migrations.forEach(m -> applied.add(new Migration(m.version, m.description, m.executionTime)));
        return applied;
    }

    /** The tenant role may read and write every table but the migration history, and nothing else. */
    private void grantTables(String server, OrgId orgId) throws SQLException {
        String role = Identifiers.quote(TenantCredentials.roleName(orgId));
        try (Connection c = servers.admin(server, orgId.databaseName()); Statement s = c.createStatement()) {
            s.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
            s.execute("GRANT USAGE ON SCHEMA public TO " + role);
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role);
            s.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role);
            s.execute("REVOKE ALL ON TABLE flyway_schema_history FROM " + role);
        }
    }

    public String schemaVersion(String server, OrgId orgId) {
        ProvisionerConfig.Server target = servers.get(server);
        var current = Flyway.configure()
                .dataSource(servers.databaseUrl(server, orgId.databaseName()), target.adminUser(),
                        target.adminPassword().orElse(""))
                .locations(ResultsSchema.LOCATION)
                .ignoreMigrationPatterns("*:future")
                .load().info().current();
        return current == null ? null : current.getVersion().getVersion();
    }

    /** Takes away the right to connect and ends the sessions the tenant role has open. */
    public void suspend(String server, OrgId orgId) throws SQLException {
        String role = TenantCredentials.roleName(orgId);
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            s.execute("REVOKE CONNECT ON DATABASE " + Identifiers.quote(orgId.databaseName()) + " FROM "
                    + Identifiers.quote(role));
            terminateSessions(c, role);
        }
    }

    public void resume(String server, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            s.execute("GRANT CONNECT ON DATABASE " + Identifiers.quote(orgId.databaseName()) + " TO "
                    + Identifiers.quote(TenantCredentials.roleName(orgId)));
        }
    }

    /**
     * Writes every table as gzipped CSV (with header) through COPY into a new folder under the export directory,
     * and returns the folder. A listing of the tables is written last, so a folder with it is complete.
     */
    public Path export(String server, OrgId orgId) throws SQLException, IOException {
        String stamp = DateTimeFormatter.ISO_INSTANT.format(Instant.now()).replace(':', '-');
        Path folder = config.exportDirectory().resolve(orgId.value()).resolve(stamp);
        Files.createDirectories(folder);
        List<String> tables = new ArrayList<>();
        try (Connection c = servers.admin(server, orgId.databaseName())) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (String table : tables) {
                try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve(table + ".csv.gz")))) {
                    copy.copyOut("COPY public." + Identifiers.quote(table) + " TO STDOUT WITH (FORMAT csv, HEADER)", out);
                }
            }
        }
        Files.writeString(folder.resolve("MANIFEST"), String.join("\n", tables) + "\n");
        return folder;
    }

    /** Drops the database and the role; both may already be gone. */
    public void drop(String server, OrgId orgId) throws SQLException {
        String role = TenantCredentials.roleName(orgId);
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            if (exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
                s.execute("ALTER ROLE " + Identifiers.quote(role) + " NOLOGIN");
                terminateSessions(c, role);
            }
            s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(orgId.databaseName()) + " WITH (FORCE)");
            s.execute("DROP ROLE IF EXISTS " + Identifiers.quote(role));
        }
    }

    public boolean databaseExists(String server, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(server)) {
            return exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", orgId.databaseName());
        }
    }

    private static void terminateSessions(Connection c, String role) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?")) {
            s.setString(1, role);
            s.executeQuery().close();
        }
    }

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }
}
