package io.tenantry.results;

import static io.tenantry.results.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/**
 * A tenant's statement that runs past its role's statement timeout (set by the provisioner) is cancelled by
 * PostgreSQL, and the client gets a problem to retry, not a 500; the tenant's next request is served.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class StatementTimeoutTest {

    @Test
    void aStatementCancelledAtItsRolesTimeoutAnswers503WithRetryAfter() throws Exception {
        String org = Platform.tenants(1).get(0);
        // Shorter than the provisioner's default, before results-service opens the tenant's first connection.
        try (Connection c = Platform.tenantDatabase(org); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE \"" + TenantCredentials.roleName(OrgId.of(org)) + "\" SET statement_timeout = 500");
        }
        String client = Platform.client(org);
        try (Connection admin = Platform.tenantDatabase(org); Statement lock = admin.createStatement()) {
            admin.setAutoCommit(false);
            lock.execute("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE");
            as(client).get("/api/v1/orgs/" + org + "/jobs").then().statusCode(503)
                    .contentType("application/problem+json").body("status", equalTo(503))
                    .header("Retry-After", notNullValue());
            admin.rollback();
        }
        as(client).get("/api/v1/orgs/" + org + "/jobs").then().statusCode(200).body("items", equalTo(List.of()));
    }
}
