package io.tenantry.provisioner.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.provisioner.servers.TenantServers;
import io.tenantry.schema.ResultsSchema;

/**
 * The results schema in tenants' databases: applying migrations, and granting the tenant role the tables they
 * make. PostgreSQL runs each migration in a transaction, so a failing one leaves the tenant on its previous version.
 */
@ApplicationScoped
public class TenantMigrations {

    @Inject
    TenantServers servers;

    @Inject
    TenantFlyway flyway;

    @Inject
    ResultsMigrations migrations;

    @Inject
    TenantDowngrade downgrade;

    @Inject
    AvailableMigrations availableMigrations;

    public record Migration(String version, String description, int durationMs) {
    }

    /**
     * Brings a new tenant's database to the newest schema and grants its role the tables. A copy of the template
     * arrives with its tables but without grants for the new role, so they are always given here.
     */
    public List<Migration> prepare(String server, OrgId orgId) throws SQLException {
        List<Migration> applied = apply(server, orgId, migrations.locations(), null);
        grantTables(server, orgId);
        return applied;
    }

    /**
     * Whether this build has every one of the migrations (version to checksum) among its own, so that migrating an
     * empty database to the newest of them gives exactly their schema. Asked of a database on the server.
     */
    public boolean knowsAll(String server, String database, Map<String, Integer> checksumsByVersion) {
        Map<String, Integer> own = new HashMap<>();
        for (MigrationInfo info : flyway.on(server, database, migrations.locations()).info().all()) {
            if (info.getVersion() != null) {
                own.put(info.getVersion().getVersion(), info.getChecksum());
            }
        }
        return checksumsByVersion.entrySet().stream()
                .allMatch(e -> own.containsKey(e.getKey()) && Objects.equals(own.get(e.getKey()), e.getValue()));
    }

    /** Migrates an empty database on the server up to {@code version} and no further (a restore's schema). */
    public void buildSchemaAt(String server, String database, String version) {
        flyway.on(server, database, migrations.locations(), version).migrate();
    }

    /** Where a tenant's schema is, and whether bringing it to a target would change it. */
    public record Plan(String currentVersion, boolean changes) {
    }

    /** One admin connection to a tenant's database, over which a rollout does all it does there. */
    public Session open(String server, OrgId orgId) throws SQLException {
        return new Session(servers.admin(server, orgId.databaseName()), orgId);
    }

    /**
     * A tenant's schema looked at, migrated up or down and granted over one connection: a rollout opens no other
     * (each connection costs the tenant server a backend process and a SCRAM exchange).
     */
    public final class Session implements AutoCloseable {
        private final Connection connection;
        private final OrgId orgId;

        private Session(Connection connection, OrgId orgId) {
            this.connection = connection;
            this.orgId = orgId;
        }

        public Connection connection() {
            return connection;
        }

        /**
         * One look at the schema history: the version and whether {@code targetVersion} (null: the newest) differs.
         * Once Flyway has listed what the locations hold, the look is one query of the history, compared with that
         * list as Flyway would ({@link AvailableMigrations}); Flyway itself looks when the history is not plain.
         */
        public Plan plan(List<String> locations, String targetVersion) throws SQLException {
            String stamp = availableMigrations.stamp(locations);
            Optional<AvailableMigrations.Listing> listing = availableMigrations.of(locations, stamp);
            if (listing.isPresent()) {
                Optional<Plan> plan = listing.get().plan(connection, targetVersion);
                if (plan.isPresent()) {
                    return plan.get();
                }
            }
            return flyway.over(connection, locations, targetVersion, look -> {
                var info = look.info();
                availableMigrations.remember(locations, stamp, info.all());
                MigrationInfo current = info.current();
                String version = current == null ? null : current.getVersion().getVersion();
                return new Plan(version, isAbove(version, targetVersion) || info.pending().length > 0);
            });
        }

        /**
         * Brings the schema from where {@code plan} found it to {@code targetVersion} (null: the newest): down by the
         * inverses, reported as one entry "downgraded from" the version it left, or up, granting the role what the
         * migrations made.
         */
        public List<Migration> migrate(Plan plan, List<String> locations, String targetVersion) throws SQLException {
            if (isAbove(plan.currentVersion(), targetVersion)) {
                return List.of(downgrade(targetVersion, locations).asMigration());
            }
            List<Migration> applied = flyway.over(connection, locations, targetVersion, TenantMigrations::applied);
            if (!applied.isEmpty() && lacksGrants(connection, orgId)) {
                grantTables(connection, orgId);
            }
            return applied;
        }

        /** Takes the schema down to {@code targetVersion} by the inverses ({@link TenantDowngrade}). */
        public TenantDowngrade.Result downgrade(String targetVersion, List<String> locations) throws SQLException {
            return TenantMigrations.this.downgrade.downgrade(connection, orgId, targetVersion, locations);
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    static boolean isAbove(String version, String other) {
        return version != null && other != null && MigrationVersion.fromVersion(version).compareTo(MigrationVersion.fromVersion(other)) > 0;
    }

    /** The version of the newest migration applied to the tenant's database, or null before the first. */
    public String schemaVersion(String server, OrgId orgId) {
        MigrationInfo current = flyway.on(server, orgId.databaseName(), List.of(ResultsSchema.LOCATION))
                .info().current();
        return current == null ? null : current.getVersion().getVersion();
    }

    private List<Migration> apply(String server, OrgId orgId, List<String> locations, String targetVersion) {
        return applied(flyway.on(server, orgId.databaseName(), locations, targetVersion));
    }

    private static List<Migration> applied(Flyway flyway) {
        return flyway.migrate().migrations.stream()
                .map(m -> new Migration(m.version, m.description, m.executionTime))
                .toList();
    }

    /**
     * The tenant role may read and write every table but the migration history, and nothing else. Given again, it
     * lifts a move's write fence.
     */
    public void grantTables(String server, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(server, orgId.databaseName())) {
            grantTables(c, orgId);
        }
    }

    /**
     * In one transaction (the caller's, when it holds one): each grant rewrites catalog rows, and committed one by one
     * they cost a WAL flush each.
     */
    private static void grantTables(Connection c, OrgId orgId) throws SQLException {
        String role = Identifiers.quote(TenantCredentials.roleName(orgId));
        boolean ownTransaction = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
            s.execute("GRANT USAGE ON SCHEMA public TO " + role);
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role);
            s.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role);
            s.execute("REVOKE ALL ON TABLE flyway_schema_history FROM " + role);
            if (ownTransaction) {
                c.commit();
            }
        } catch (SQLException e) {
            if (ownTransaction) {
                c.rollback();
            }
            throw e;
        } finally {
            if (ownTransaction) {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Whether a table or sequence in the schema (but the migration history) is one the tenant role cannot read: a
     * migration made it. Most migrations change tables the role already has, and then nothing is granted again.
     */
    private static boolean lacksGrants(Connection c, OrgId orgId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                               WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S')
                                 AND c.relname <> 'flyway_schema_history'
                                 AND NOT has_table_privilege(?, c.oid, 'SELECT'))""")) {
            s.setString(1, TenantCredentials.roleName(orgId));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
