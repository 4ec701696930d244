package io.tenantry.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.tenantry.common.OrgId;
import io.tenantry.devlauncher.Api;
import io.tenantry.servers.PostgresEndpoint;

/**
 * A tenant holding gigabytes of docking results, filled server-side as PostgreSQL's superuser ({@code INSERT ...
 * SELECT} over {@code generate_series}, four poses of jsonb a row) rather than through the API, which would take
 * hours. The figures that move such a tenant's database around (backups, moves) share it.
 */
final class FilledTenants {

    static final double MIB = 1024 * 1024;

    /** Docking results with four poses each, as a docking worker reports them (about 400 bytes of jsonb; 900 bytes a row with its indexes). */
    private static final String POSES_FUNCTION = """
            CREATE FUNCTION pg_temp.bench_poses(count integer) RETURNS jsonb VOLATILE LANGUAGE sql AS $$
              SELECT jsonb_agg(jsonb_build_object('pose', p, 'x', round((random() * 60 - 30)::numeric, 3),
                       'y', round((random() * 60 - 30)::numeric, 3), 'z', round((random() * 60 - 30)::numeric, 3),
                       'rmsd', round((random() * 3)::numeric, 2), 'energy', round((-4 - random() * 8)::numeric, 2)))
                FROM generate_series(1, count) p
            $$""";
    private static final String INSERT_RESULTS = """
            WITH job AS (SELECT ?::uuid[] AS ids)
            INSERT INTO docking_results (job_id, molecule_id, score, rank, poses, created_at)
            SELECT job.ids[1 + g % cardinality(job.ids)], gen_random_uuid(), -4 - random() * 8, g,
                   pg_temp.bench_poses(4), now() - make_interval(secs => g % 86400)
              FROM job, generate_series(?, ?) g""";
    private static final long BYTES_PER_ROW = 900;
    private static final long ROWS_PER_INSERT = 250_000;

    /** The tenant, with its seeded job for readers, and its database's size once filled. */
    record Filled(Tenants.Seeded tenant, long databaseBytes) {
    }

    private FilledTenants() {
    }

    /**
     * Onboards {@code <prefix>_0}, seeds it (a job with 200 docking results through the API), pauses its backup
     * schedule, submits three more jobs and fills their docking results until the database holds {@code gib} GiB.
     */
    static Filled create(BenchPlatform bench, String admin, String prefix, double gib) throws Exception {
        Tenants.Seeded tenant = Tenants.seed(bench, Tenants.onboard(bench, prefix, 1), 200).get(0);
        String org = tenant.orgId();
        pauseSchedule(bench, admin, org);
        List<String> jobs = new ArrayList<>(List.of(tenant.jobId()));
        for (int i = 0; i < 3; i++) {
            jobs.add(BenchPlatform.expect(bench.send(Api.results("/api/v1/orgs/" + org + "/jobs"), "POST",
                    tenant.clientToken(), Map.of("template", "standard-docking",
                            "inputs", Map.of("receptor", "1ABC", "ligandSet", "bench-" + i))), 201).get("id").asText());
        }
        long target = Math.round(gib * 1024 * MIB);
        Bench.log(String.format("filling %s with %.0f MiB of docking results", org, target / MIB));
        return new Filled(tenant, fill(bench, org, jobs, target));
    }

    /** The scheduler backs up a tenant without a backup within a minute; only the operations a figure times may run. */
    static void pauseSchedule(BenchPlatform bench, String admin, String org) throws Exception {
        BenchPlatform.expect(bench.send(BenchPlatform.provisioner("/api/v1/tenants/" + org + "/backup-policy"), "PUT",
                admin, Map.of("intervalSeconds", 0, "retain", 1000)), 200);
    }

    /** The tenant's database on the server the registry places it on, as PostgreSQL's superuser. */
    static Connection connect(BenchPlatform bench, String org) throws SQLException {
        String server = bench.serverOf(org);
        PostgresEndpoint endpoint = bench.tenantServers().stream().filter(p -> p.name().equals(server)).findFirst()
                .orElseThrow();
        return endpoint.connect(OrgId.of(org).databaseName());
    }

    /** Inserts docking results server-side until the tenant's database holds {@code target} bytes; returns its size. */
    private static long fill(BenchPlatform bench, String org, List<String> jobs, long target) throws SQLException {
        try (Connection c = connect(bench, org); Statement s = c.createStatement()) {
            s.execute(POSES_FUNCTION);
            long next = 1;
            long size;
            while ((size = databaseSize(c)) < target) {
                long rows = Math.max(1_000, Math.min(ROWS_PER_INSERT, (target - size) / BYTES_PER_ROW + 1));
                try (PreparedStatement insert = c.prepareStatement(INSERT_RESULTS)) {
                    insert.setArray(1, c.createArrayOf("uuid", jobs.toArray()));
                    insert.setLong(2, next);
                    insert.setLong(3, next + rows - 1);
                    insert.executeUpdate();
                }
                next += rows;
                Bench.log(String.format("%,d docking results inserted, %.0f MiB", next - 1, databaseSize(c) / MIB));
            }
            // A tenant's data has usually been vacuumed since it was written; the first read should not set hint bits.
            s.execute("VACUUM (FREEZE, ANALYZE)");
            return databaseSize(c);
        }
    }

    private static long databaseSize(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
