package io.tenantry.results;

import static io.tenantry.results.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/**
 * An organization's administrators read their own tenant database's health, as the provisioner recorded it in the
 * registry: only theirs, only with the org-admin's {@code audit:read}, and without what is the operators' alone.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class DatabaseHealthTest {

    /** The system role org-admin's permissions (metadata-schema V1). */
    private static final List<String> ORG_ADMIN = List.of("org:read", "org:manage", "members:read",
            "members:manage", "roles:manage", "clients:manage", "audit:read", "molecules:read", "molecules:write",
            "templates:read", "templates:write", "jobs:read", "jobs:submit", "jobs:cancel", "results:read");

    private static String measured;
    private static String failed;
    private static String neverMeasured;
    private static String collected;
    private static String leaving;

    @BeforeAll
    static void tenants() throws Exception {
        List<String> orgs = Platform.tenants(5);
        measured = orgs.get(0);
        failed = orgs.get(1);
        neverMeasured = orgs.get(2);
        collected = orgs.get(3);
        leaving = orgs.get(4);
        // As the provisioner's collector records them: an older snapshot, then the current one.
        snapshot(measured, "healthy", "", null, 1_000L, "[]", "[]");
        snapshot(measured, "degraded", "cache_hit_low,dead_tuples", null, 52_428_800L, tables(12), """
                [{"queryId": 42, "query": "SELECT id FROM jobs WHERE status = $1", "calls": 7, "meanMs": 812.5,
                  "totalMs": 5687.5, "rows": 70}]""");
        snapshot(leaving, "healthy", "", null, 2_000L, "[]", "[]");
        snapshot(failed, "unknown", "", "connection to server pg9.internal:5432 refused", null, null, null);
    }

    @Test
    void anOrgAdminReadsTheCurrentSnapshotOfTheirTenant() {
        as(admin(measured)).get(path(measured)).then().statusCode(200)
                .body("state", equalTo("degraded"))
                .body("reasons", contains("cache_hit_low", "dead_tuples"))
                .body("collectedAt", not(nullValue()))
                .body("databaseBytes", equalTo(52_428_800))
                .body("cacheHitRatio", equalTo(0.81f))
                .body("deadTuples", equalTo(20_000))
                .body("connections", equalTo(3))
                .body("longestTransactionSeconds", equalTo(12.5f))
                .body("lockWaits", equalTo(0))
                .body("slowestStatementMs", equalTo(812.5f))
                .body("schemaVersion", equalTo("1"))
                // The ten largest of its twelve tables, largest first.
                .body("tables.size()", equalTo(10))
                .body("tables[0].name", equalTo("table_0"))
                .body("tables[0].totalBytes", equalTo(12_000))
                .body("tables[0].lastAutovacuum", not(nullValue()))
                .body("tables[9].name", equalTo("table_9"))
                .body("statements.size()", equalTo(1))
                .body("statements[0].query", equalTo("SELECT id FROM jobs WHERE status = $1"))
                .body("statements[0].calls", equalTo(7))
                .body("statements[0].meanMs", equalTo(812.5f))
                .body("statements[0]", not(hasKey("queryId")))
                .body("$", not(hasKey("server")));
    }

    /** What the provisioner's own collector records is what the org admin reads. */
    @Test
    void aSnapshotTheProvisionerCollectedIsServed() throws Exception {
        Platform.collectHealth(collected);
        String state = Platform.query("SELECT state FROM provisioner.tenant_health WHERE org_id = ?", collected);
        long bytes = Long.parseLong(Platform.query(
                "SELECT database_bytes FROM provisioner.tenant_health WHERE org_id = ?", collected));
        String largestTable = Platform.query("""
                SELECT s.detail -> 'tables' -> 0 ->> 'name' FROM provisioner.health_snapshots s
                  JOIN provisioner.tenant_health h ON h.snapshot_id = s.id WHERE h.org_id = ?""", collected);
        as(admin(collected)).get(path(collected)).then().statusCode(200)
                .body("state", equalTo(state))
                .body("state", not(equalTo("unknown")))
                .body("databaseBytes.toLong()", equalTo(bytes))
                .body("schemaVersion", not(nullValue()))
                .body("tables[0].name", equalTo(largestTable))
                .body("tables[0].totalBytes", not(nullValue()))
                .body("statements", not(nullValue()));
    }

    @Test
    void aFailedMeasurementShowsItsStateButNotTheOperatorsError() {
        as(admin(failed)).get(path(failed)).then().statusCode(200)
                .body("state", equalTo("unknown"))
                .body("reasons.size()", equalTo(0))
                .body("tables.size()", equalTo(0))
                .body("$", not(hasKey("error")))
                .body("$", not(hasKey("databaseBytes")))
                .body(not(containsString("pg9.internal")));
    }

    @Test
    void membersWithoutTheAdminsPermissionAreForbidden() {
        List<String> allButAudit = new ArrayList<>(ORG_ADMIN);
        allButAudit.remove("audit:read");
        for (String token : List.of(Platform.viewer(measured), Platform.client(measured), Platform.worker(measured),
                Platform.token(measured, allButAudit, "user:" + UUID.randomUUID()))) {
            as(token).get(path(measured)).then().statusCode(403).contentType("application/problem+json")
                    .body("detail", containsString("audit:read"));
        }
    }

    @Test
    void anotherOrganizationsHealthIsNotFound() {
        as(admin(failed)).get(path(measured)).then().statusCode(404).contentType("application/problem+json")
                .body(not(containsString("degraded")));
        as(admin(measured)).get(path(failed)).then().statusCode(404).contentType("application/problem+json");
    }

    /** A suspended tenant is no longer measured, and its admins still see its last snapshot; a deleted one has none. */
    @Test
    void aSuspendedTenantKeepsItsLastSnapshotAndADeletedOneHasNone() throws Exception {
        String admin = admin(leaving);
        Platform.desire(leaving, "suspended");
        as(admin).get(path(leaving)).then().statusCode(200).body("state", equalTo("healthy"))
                .body("databaseBytes", equalTo(2_000));
        Platform.desire(leaving, "deleted");
        as(admin).get(path(leaving)).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aTenantNeverMeasuredIsNotFound() {
        as(admin(neverMeasured)).get(path(neverMeasured)).then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("not been measured"));
    }

    @Test
    void withoutATokenItIsUnauthorized() {
        as("garbage").get(path(measured)).then().statusCode(401).contentType("application/problem+json");
    }

    private static String admin(String orgId) {
        return Platform.token(orgId, ORG_ADMIN, "user:" + UUID.randomUUID());
    }

    private static String path(String orgId) {
        return "/api/v1/orgs/" + orgId + "/database-health";
    }

    /** {@code count} tables, largest first, as the collector lists {@code pg_stat_user_tables}. */
    private static String tables(int count) {
        List<String> tables = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tables.add("""
                    {"schema": "public", "name": "table_%d", "totalBytes": %d, "indexBytes": 100, "liveTuples": 10,
                     "deadTuples": 0, "lastVacuum": null, "lastAutovacuum": "2026-12-06T10:00:00Z",
                     "lastAnalyze": null, "lastAutoanalyze": "2026-12-06T10:00:01.5Z"}"""
                    .formatted(i, (count - i) * 1000));
        }
        return "[" + String.join(",", tables) + "]";
    }

    /** Adds a snapshot to the tenant's history and makes it current, as the provisioner's HealthStore does. */
    private static void snapshot(String orgId, String state, String reasons, String error, Long bytes, String tables,
                                 String statements) throws Exception {
        String detail = bytes == null ? null : """
                {"databaseBytes": %d, "cacheHitRatio": 0.81, "blocksHit": 81000, "blocksRead": 19000,
                 "deadTuples": 20000, "connections": 3, "longestTransactionSeconds": 12.5, "lockWaits": 0,
                 "slowestStatementMs": 812.5, "schemaVersion": "1", "recordedSchemaVersion": "1", "lastBackupAt": null,
                 "tables": %s, "statements": %s, "statementsUnavailable": null}""".formatted(bytes, tables, statements);
        Platform.execute("""
                WITH s AS (
                    INSERT INTO provisioner.health_snapshots (org_id, server, state, reasons, error, database_bytes,
                        cache_hit_ratio, dead_tuples, connections, longest_transaction_seconds, lock_waits,
                        slowest_statement_ms, schema_version, detail)
                    SELECT t.org_id, t.server, ?::text, string_to_array(?::text, ','), ?::text,
                           (m ->> 'databaseBytes')::bigint, (m ->> 'cacheHitRatio')::float8,
                           (m ->> 'deadTuples')::bigint, (m ->> 'connections')::integer,
                           (m ->> 'longestTransactionSeconds')::float8, (m ->> 'lockWaits')::integer,
                           (m ->> 'slowestStatementMs')::float8, m ->> 'schemaVersion', m
                      FROM provisioner.tenants t, (SELECT ?::jsonb AS m) measures
                     WHERE t.org_id = ?
                    RETURNING org_id, id, state, database_bytes)
                INSERT INTO provisioner.tenant_health (org_id, snapshot_id, state, database_bytes)
                SELECT * FROM s
                ON CONFLICT (org_id) DO UPDATE SET snapshot_id = excluded.snapshot_id, state = excluded.state,
                    database_bytes = excluded.database_bytes""",
                state, reasons, error, detail, orgId);
    }
}
