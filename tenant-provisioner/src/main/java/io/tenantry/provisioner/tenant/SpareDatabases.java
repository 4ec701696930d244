package io.tenantry.provisioner.tenant;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.flywaydb.core.api.MigrationInfo;

import io.tenantry.common.OrgId;
import io.tenantry.provisioner.servers.TenantServers;

/**
 * Spare databases on a tenant server: made and migrated ahead of any organization, under a name no tenant database
 * can have ({@code tenantry_spare_<16 hex>}, never {@code results_...}), closed to PUBLIC like every database there,
 * and renamed into a tenant's database when provisioning claims one.
 */
@ApplicationScoped
public class SpareDatabases {

    private static final String PREFIX = "tenantry_spare_";
    private static final Pattern NAME = Pattern.compile("^" + PREFIX + "[0-9a-f]{16}$");
    /** Every spare's name, as a LIKE pattern. */
    static final String NAME_LIKE = PREFIX.replace("_", "\\_") + "%";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    TenantServers servers;

    @Inject
    TemplateDatabase template;

    @Inject
    TenantFlyway flyway;

    @Inject
    ResultsMigrations migrations;

    public static String newName() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return PREFIX + HexFormat.of().formatHex(bytes);
    }

    private static String quoted(String spare) {
        if (!NAME.matcher(spare).matches()) {
            throw new IllegalArgumentException("refusing a spare database name of an unexpected shape");
        }
        return Identifiers.quote(spare);
    }

    /**
     * Makes the spare: a copy of the server's template when it is free, otherwise an empty database, then the
     * results migrations of every location provisioning applies, unless it is a copy of a template at the newest
     * version already. Returns the schema version it reached.
     */
    public String build(String server, String spare) throws SQLException {
        String database = quoted(spare);
        Optional<String> templateVersion = template.version(server);
        boolean copied;
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            copied = templateVersion.isPresent() && TenantDatabases.copyTemplate(s, database);
            if (!copied) {
                s.execute("CREATE DATABASE " + database);
            }
            s.execute("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC");
        }
        if (copied && templateVersion.equals(migrations.newestVersion())) {
            return templateVersion.get();
        }
        var migrate = flyway.on(server, spare, migrations.locations());
        migrate.migrate();
        MigrationInfo current = migrate.info().current();
        if (current == null) {
            throw new IllegalStateException("spare " + spare + " on " + server + " has no schema after migrating");
        }
        return current.getVersion().getVersion();
    }

    /** What {@link #renameTo} found and did. */
    public enum Rename {
        /** The tenant's database is the spare, renamed now or by an earlier pass that stopped before recording it. */
        RENAMED,
        /** The tenant had a database of its own already; the spare is untouched. */
        TENANT_HAS_ONE,
        /** Neither database exists: the spare was dropped. */
        SPARE_MISSING
    }

    /**
     * Gives the spare the tenant's database name, closed to PUBLIC and open to the tenant's role (which must exist),
     * and closes every other database on the server to PUBLIC as a fresh provisioning does
     * ({@link TenantDatabases#ensure}). A spare nobody uses has no sessions, but one left by a build is ended first,
     * since a database with sessions cannot be renamed.
     */
    public Rename renameTo(String server, String spare, OrgId orgId) throws SQLException {
        String database = quoted(spare);
        String tenantDatabase = Identifiers.quote(orgId.databaseName());
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            TenantDatabases.closePublicDoors(c);
            boolean spareExists = Catalog.hasDatabase(c, spare);
            boolean tenantExists = Catalog.hasDatabase(c, orgId.databaseName());
            if (!spareExists && !tenantExists) {
                return Rename.SPARE_MISSING;
            }
            if (spareExists && tenantExists) {
                return Rename.TENANT_HAS_ONE;
            }
            if (spareExists) {
                rename(c, s, spare, "ALTER DATABASE " + database + " RENAME TO " + tenantDatabase);
            }
            s.execute("REVOKE ALL ON DATABASE " + tenantDatabase + " FROM PUBLIC");
            TenantRoles.grantConnect(s, orgId);
            return Rename.RENAMED;
        }
    }

    private static void rename(Connection c, Statement s, String spare, String renameStatement) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (PreparedStatement end = c.prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?")) {
                end.setString(1, spare);
                end.executeQuery().close();
            }
            try {
                s.execute(renameStatement);
                return;
            } catch (SQLException e) {
                // 55006: a session just terminated has not ended yet; it is gone a moment later.
                if (!"55006".equals(e.getSQLState()) || attempt == 10) {
                    throw e;
                }
            }
            try {
                Thread.sleep(20L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while renaming spare " + spare, e);
            }
        }
    }

    public void drop(String server, String spare) throws SQLException {
        try (Connection c = servers.admin(server); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quoted(spare) + " WITH (FORCE)");
        }
    }

    /** The spare databases the server holds, whatever the registry says. */
    public List<String> onServer(String server) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = servers.admin(server); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'tenantry\\_spare\\_%'")) {
            while (rs.next()) {
                if (NAME.matcher(rs.getString(1)).matches()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
