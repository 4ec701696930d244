package io.tenantry.provisioner;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.provisioner.move.Moves;
import io.tenantry.provisioner.tenant.TenantMigrations;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.Eventually;
import io.tenantry.testing.TenantryTestServers;

/** Organizations written the way metadata-service writes them, and direct looks at the servers. */
final class ProvisionerTestSupport {

    /** metadata-service owns these tables; the provisioner's tests apply its migrations rather than copy them. */
    static final String METADATA_MIGRATIONS = MetadataSchema.LOCATION;
    static final String MASTER_SECRET = "test-only-master-secret-0123456789abcdef";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private ProvisionerTestSupport() {
    }

    static PostgresEndpoint server(int index) {
        return TenantryTestServers.servers().postgres(index);
    }

    static Connection metadata() throws SQLException {
        return server(0).connect(TenantryTestServers.METADATA_DATABASE);
    }

    static String newOrganization(String region) throws SQLException {
        return newOrganization("t", region);
    }

    /** The prefix decides where the organization sorts among the others (rollouts take canaries by id). */
    static String newOrganization(String prefix, String region) throws SQLException {
        String orgId = prefix + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "_" + SEQUENCE.incrementAndGet();
        try (Connection c = metadata(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO organizations (org_id, display_name, status, desired_state, region, max_queued_jobs,
                                           max_jobs_per_day, created_at, updated_at)
                VALUES (?, ?, 'requested', 'active', ?, 10, 10, now(), now())""")) {
            s.setString(1, orgId);
            s.setString(2, "Org " + orgId);
            s.setString(3, region);
            s.executeUpdate();
        }
        return orgId;
    }

    static void desire(String orgId, String state) throws SQLException {
        execute("UPDATE organizations SET desired_state = ?, updated_at = now() WHERE org_id = ?", state, orgId);
    }

    static String status(String orgId) throws SQLException {
        return queryString("SELECT status FROM organizations WHERE org_id = ?", orgId);
    }

    /**
     * Brings the tenant's database to {@code targetVersion} (null: the newest at {@code locations}), up or down, as a
     * rollout does, behind the registry's back.
     */
    static List<TenantMigrations.Migration> migrate(TenantMigrations migrations, String orgId, List<String> locations,
                                                    String targetVersion) throws SQLException {
        try (TenantMigrations.Session schema = migrations.open(registry("server", orgId), OrgId.of(orgId))) {
            return schema.migrate(schema.plan(locations, targetVersion), locations, targetVersion);
        }
    }

    /**
     * Waits until {@code done} holds, each look also being the pass that drives waiting moves, which the scheduler
     * (off in tests) makes every 5 s: a move paused on a transient failure, such as a deadlock with its subscription's
     * apply worker, is resumed only by such a pass.
     */
    static void awaitMoves(Moves moves, Duration limit, String what, BooleanSupplier done) {
        Eventually.within(limit, what, () -> {
            moves.driveWaiting();
            return done.getAsBoolean();
        });
    }

    static String registry(String column, String orgId) throws SQLException {
        return queryString("SELECT " + column + " FROM provisioner.tenants WHERE org_id = ?", orgId);
    }

    static int countAudit(String orgId, String to) throws SQLException {
        return Integer.parseInt(queryString("""
                SELECT count(*)::text FROM audit_log WHERE org_id = ? AND action = 'organization.status-changed'
                   AND details->>'to' = '""" + to + "'", orgId));
    }

    /** Connects as the tenant's own role with its derived password. */
    static Connection asTenant(String orgId, PostgresEndpoint server, String database) throws SQLException {
        OrgId id = OrgId.of(orgId);
        return DriverManager.getConnection(server.jdbcUrl(database), TenantCredentials.roleName(id),
                TenantCredentials.password(MASTER_SECRET, id, 1));
    }

    static PostgresEndpoint serverOf(String orgId) throws SQLException {
        return server(Integer.parseInt(registry("server", orgId).substring(2)));
    }

    static boolean exists(PostgresEndpoint server, String sql, String value) throws SQLException {
        try (Connection c = server.connect("postgres"); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    static void execute(String sql, String... params) throws SQLException {
        try (Connection c = metadata(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }

    static String queryString(String sql, String param) throws SQLException {
        try (Connection c = metadata(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, param);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** One more job with {@code results} docking results, written server-side. */
    static void fill(PostgresEndpoint server, String database, long results) throws SQLException {
        try (Connection c = server.connect(database); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO jobs (id, template_id, template_name, template_version, steps, inputs, status,
                                      submitted_by, created_at, updated_at)
                    VALUES (gen_random_uuid(), gen_random_uuid(), 'standard-docking', 1, '[]', '{}', 'succeeded',
                            'user:x', now(), now())""");
            s.execute("""
                    INSERT INTO docking_results (job_id, molecule_id, score, rank, poses, created_at)
                    SELECT (SELECT id FROM jobs ORDER BY created_at DESC LIMIT 1), gen_random_uuid(), -random() * 12,
                           n, '[{"x": 1.5, "y": -2.25, "z": 0.75}]', now()
                      FROM generate_series(1, %d) n""".formatted(results));
        }
    }
}
