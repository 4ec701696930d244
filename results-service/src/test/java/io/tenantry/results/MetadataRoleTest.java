package io.tenantry.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/**
 * results-service signs in to the metadata database as {@code tenantry_results}, which reads the registry and
 * metadata-service's views and nothing else: no table of metadata-service, no write anywhere, and not the function
 * through which the provisioner reports an organization's status.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class MetadataRoleTest {

    private static final String ROLE = "tenantry_results";
    private static final String PERMISSION_DENIED = "42501";
    /** metadata-service's tables, each with one of its plain columns. */
    private static final Map<String, String> TABLES = Map.of("organizations", "display_name", "users", "email",
            "memberships", "user_id", "api_clients", "org_id", "pipeline_templates", "name", "molecules", "name",
            "audit_log", "occurred_at");
    /** Its views over one table, which PostgreSQL writes through for a role that may. */
    private static final Map<String, String> SINGLE_TABLE_VIEWS = Map.of("organization_lifecycle", "status",
            "organization_molecules", "name");

    private static String org;

    @BeforeAll
    static void tenant() throws Exception {
        org = Platform.tenants(1).get(0);
        Platform.molecules(org, 2);
    }

    @Test
    void readsTheViewsItIsGrantedAndTheTenantRegistry() throws SQLException {
        try (Connection c = asResultsService()) {
            assertEquals("active", value(c, "SELECT status FROM organization_lifecycle WHERE org_id = '" + org + "'"));
            assertEquals(Platform.TEMPLATE, value(c, "SELECT name FROM available_pipeline_templates"
                    + " WHERE available_to = '" + org + "' AND id = '" + Platform.TEMPLATE_ID + "'"));
            assertEquals("2", value(c, "SELECT count(*) FROM organization_molecules WHERE org_id = '" + org + "'"));
            assertEquals("active", value(c, "SELECT status FROM provisioner.tenants WHERE org_id = '" + org + "'"));
            assertEquals("0", value(c, "SELECT count(*) FROM provisioner.org_database_health"
                    + " WHERE org_id = '" + org + "'"));
        }
    }

    /** Tenant health only through the provisioner's view: not its tables, which hold the operators' errors. */
    @Test
    void readsTenantHealthOnlyThroughItsView() throws SQLException {
        try (Connection c = asResultsService()) {
            assertDenied(c, "SELECT count(*) FROM provisioner.tenant_health");
            assertDenied(c, "SELECT count(*) FROM provisioner.health_snapshots");
            assertCannotWrite(c, "provisioner.health_snapshots", "state");
            c.setAutoCommit(false);
            assertDenied(c, "LOCK TABLE provisioner.org_database_health IN ROW EXCLUSIVE MODE");
            c.rollback();
        }
    }

    @Test
    void readsNoTableOfMetadataService() throws SQLException {
        try (Connection c = asResultsService()) {
            for (String table : TABLES.keySet()) {
                assertDenied(c, "SELECT count(*) FROM " + table);
            }
        }
    }

    @Test
    void writesNoTableOfMetadataServiceAndNoneOfItsViews() throws SQLException {
        try (Connection c = asResultsService()) {
            TABLES.forEach((table, column) -> assertCannotWrite(c, table, column));
            SINGLE_TABLE_VIEWS.forEach((view, column) -> assertCannotWrite(c, view, column));
            // A view over a UNION refuses every write, whoever asks (55000), before privileges are looked at; the
            // lock each write takes shows the role has none of the privileges to write it.
            c.setAutoCommit(false);
            assertDenied(c, "LOCK TABLE available_pipeline_templates IN ROW EXCLUSIVE MODE");
            c.rollback();
        }
    }

    @Test
    void writesNothingToTheTenantRegistry() throws SQLException {
        try (Connection c = asResultsService()) {
            assertCannotWrite(c, "provisioner.tenants", "status");
        }
        assertEquals("active", Platform.query("SELECT status FROM provisioner.tenants WHERE org_id = ?", org));
    }

    @Test
    void cannotReportAnOrganizationsStatus() throws SQLException {
        try (Connection c = asResultsService()) {
            assertDenied(c, "SELECT report_organization_status('" + org + "', 'active', 'suspended', 'test',"
                    + " 'results-service', NULL)");
        }
        assertEquals("active", Platform.query("SELECT status FROM organizations WHERE org_id = ?", org));
    }

    private static Connection asResultsService() throws SQLException {
        return DriverManager.getConnection(
                TenantryTestServers.servers().postgres(0).jdbcUrl(TenantryTestServers.METADATA_DATABASE), ROLE,
                TenantryTestServers.SERVICE_ROLE_PASSWORD_PREFIX + ROLE);
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            assertTrue(rows.next(), sql);
            return rows.getString(1);
        }
    }

    /** Privileges are checked before any row is looked at, so statements that would touch none are refused too. */
    private static void assertCannotWrite(Connection c, String relation, String column) {
        assertDenied(c, "INSERT INTO " + relation + " DEFAULT VALUES");
        assertDenied(c, "UPDATE " + relation + " SET " + column + " = " + column + " WHERE false");
        assertDenied(c, "DELETE FROM " + relation + " WHERE false");
    }

    private static void assertDenied(Connection c, String sql) {
        SQLException refused = assertThrows(SQLException.class, () -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }, sql);
        assertEquals(PERMISSION_DENIED, refused.getSQLState(), sql + ": " + refused.getMessage());
    }
}
