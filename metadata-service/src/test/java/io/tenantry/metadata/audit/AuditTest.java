package io.tenantry.metadata.audit;

import static io.tenantry.metadata.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.metadata.Api;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class AuditTest {

    @Test
    void everyChangeIsRecordedWithActorAndRequestId() {
        String orgId = Api.createOrg();
        Api.Member admin = Api.member(orgId, "org-admin");
        as(admin.token()).header("X-Request-Id", "req-audit-1").body(Map.of("displayName", "Audited", "version", 0))
                .patch("/api/v1/orgs/" + orgId).then().statusCode(200).header("X-Request-Id", "req-audit-1");
        as(admin.token()).get("/api/v1/orgs/" + orgId + "/audit").then().statusCode(200)
                .body("items.action", hasItems("organization.created", "member.added", "organization.updated"))
                .body("items.orgId", everyItem(equalTo(orgId)))
                .body("items[0].action", equalTo("organization.updated"))
                .body("items[0].requestId", equalTo("req-audit-1"))
                .body("items[0].actor", equalTo("user:" + Api.userId(admin.email())));
    }

    @Test
    void orgAdminsSeeOnlyTheirOrganizationAndPlatformAdminsSeeAll() {
        String a = Api.createOrg();
        String b = Api.createOrg();
        Api.Member adminOfA = Api.member(a, "org-admin");
        as(adminOfA.token()).get("/api/v1/orgs/" + b + "/audit").then().statusCode(404);
        as(adminOfA.token()).get("/api/v1/audit").then().statusCode(403);
        as(Api.adminToken()).queryParam("orgId", b).get("/api/v1/audit").then().statusCode(200)
                .body("items.orgId", everyItem(equalTo(b))).body("items.action", hasItems("organization.created"));
        var page = as(Api.adminToken()).queryParam("limit", 1).get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath();
        long newest = page.getLong("items[0].id");
        long second = as(Api.adminToken()).queryParam("limit", 1).queryParam("after", page.getString("next"))
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getLong("items[0].id");
        assertTrue(second < newest);
    }

    @Test
    void theDatabaseRefusesToRewriteHistory() throws SQLException {
        Api.createOrg();
        try (Connection c = TenantryTestServers.servers().postgres(0).connect(TenantryTestServers.METADATA_DATABASE);
             Statement s = c.createStatement()) {
            assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE audit_log SET actor = 'someone else'"));
            assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM audit_log"));
            assertThrows(SQLException.class, () -> s.executeUpdate("TRUNCATE audit_log"));
        }
    }
}
