package io.tenantry.provisioner;

import static io.tenantry.provisioner.ProvisionerTestSupport.countAudit;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.server;
import static io.tenantry.provisioner.ProvisionerTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/**
 * What the provisioner's role may do in the metadata database: read organizations' lifecycle and report their
 * status through report_organization_status(), which takes only legal moves and writes the audit entry; nothing
 * of metadata-service's tables directly.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class ProvisionerRoleTest {

    private static final String PERMISSION_DENIED = "42501";

    @Inject
    AgroalDataSource metadata;

    @Test
    void theServiceSignsInAsTheProvisionersRole() throws SQLException {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement("SELECT current_user");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            assertEquals(MetadataSchema.PROVISIONER_ROLE, rs.getString(1));
        }
    }

    @Test
    void itReadsTheLifecycleView() throws SQLException {
        String orgId = newOrganization("eu-west");
        try (Connection c = signIn(MetadataSchema.PROVISIONER_ROLE); PreparedStatement s = c.prepareStatement(
                "SELECT status, desired_state, region FROM organization_lifecycle WHERE org_id = ?")) {
            s.setString(1, orgId);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(List.of("requested", "active", "eu-west"),
                        List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
    }

    @Test
    void itCannotWriteOrganizationsOrTheAuditLogNorReadPeopleAndClients() throws SQLException {
        String orgId = newOrganization("eu-west");
        String another = orgId + "x";
        try (Connection c = signIn(MetadataSchema.PROVISIONER_ROLE)) {
            assertDenied(c, "UPDATE organizations SET status = 'active' WHERE org_id = ?", orgId);
            assertDenied(c, """
                    INSERT INTO organizations (org_id, display_name, status, desired_state, region, max_queued_jobs,
                                               max_jobs_per_day, created_at, updated_at)
                    VALUES (?, 'Intruder', 'active', 'active', 'eu-west', 1, 1, now(), now())""", another);
            assertDenied(c, "DELETE FROM organizations WHERE org_id = ?", orgId);
            assertDenied(c, """
                    INSERT INTO audit_log (occurred_at, actor, org_id, action, target_type, target_id)
                    VALUES (now(), 'tenant-provisioner', ?, 'organization.status-changed', 'organization', ?)""",
                    orgId, orgId);
            for (String table : List.of("users", "memberships", "api_clients")) {
                assertDenied(c, "SELECT count(*) FROM " + table);
            }
        }
        assertEquals("requested", status(orgId));
        assertNull(status(another));
        assertEquals(0, auditEntries(orgId));
    }

    @Test
    void aLegalReportMovesTheStatusWithExactlyOneAuditEntry() throws SQLException {
        String orgId = newOrganization("eu-west");
        try (Connection c = signIn(MetadataSchema.PROVISIONER_ROLE)) {
            assertTrue(report(c, orgId, "requested", "provisioning"));
        }
        assertEquals("provisioning", status(orgId));
        assertEquals(1, auditEntries(orgId));
        assertEquals(1, countAudit(orgId, "provisioning"));
    }

    @Test
    void anIllegalMoveRaisesTY409AndChangesNothing() throws SQLException {
        String orgId = newOrganization("eu-west");
        try (Connection c = signIn(MetadataSchema.PROVISIONER_ROLE)) {
            SQLException refused = assertThrows(SQLException.class,
                    () -> report(c, orgId, "requested", "suspended"));
            assertEquals("TY409", refused.getSQLState(), refused.getMessage());
        }
        assertEquals("requested", status(orgId));
        assertEquals(0, auditEntries(orgId));
    }

    @Test
    void aStaleExpectationReturnsFalseAndChangesNothing() throws SQLException {
        String orgId = newOrganization("eu-west");
        try (Connection c = signIn(MetadataSchema.PROVISIONER_ROLE)) {
            // requested -> provisioning is legal; only the stale expectation stops it.
            assertFalse(report(c, orgId, "failed", "provisioning"));
        }
        assertEquals("requested", status(orgId));
        assertEquals(0, auditEntries(orgId));
    }

    @Test
    void resultsServicesRoleCannotReportStatus() throws SQLException {
        String orgId = newOrganization("eu-west");
        try (Connection c = signIn(MetadataSchema.RESULTS_ROLE)) {
            SQLException refused = assertThrows(SQLException.class,
                    () -> report(c, orgId, "requested", "provisioning"));
            assertEquals(PERMISSION_DENIED, refused.getSQLState(), refused.getMessage());
        }
        assertEquals("requested", status(orgId));
        assertEquals(0, auditEntries(orgId));
    }

    private static Connection signIn(String role) throws SQLException {
        return DriverManager.getConnection(server(0).jdbcUrl(TenantryTestServers.METADATA_DATABASE), role,
                TenantryTestServers.SERVICE_ROLE_PASSWORD_PREFIX + role);
    }

    private static boolean report(Connection c, String orgId, String expected, String status) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT report_organization_status(?, ?, ?, 'role test', 'tenant-provisioner', NULL)")) {
            s.setString(1, orgId);
            s.setString(2, expected);
            s.setString(3, status);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void assertDenied(Connection c, String sql, String... params) {
        SQLException refused = assertThrows(SQLException.class, () -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    s.setString(i + 1, params[i]);
                }
                s.execute();
            }
        }, sql);
        assertEquals(PERMISSION_DENIED, refused.getSQLState(), sql + ": " + refused.getMessage());
    }

    private static int auditEntries(String orgId) throws SQLException {
        try (Connection c = ProvisionerTestSupport.metadata();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM audit_log WHERE org_id = ?")) {
            s.setString(1, orgId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
