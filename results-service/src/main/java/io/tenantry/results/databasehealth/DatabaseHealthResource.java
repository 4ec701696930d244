package io.tenantry.results.databasehealth;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.tenantry.results.store.DatabaseHealthView;

/** The organization's own tenant database health, for its administrators. */
@Path("/api/v1/orgs/{orgId}/database-health")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class DatabaseHealthResource {

    private final DatabaseHealthService health;

    public DatabaseHealthResource(DatabaseHealthService health) {
        this.health = health;
    }

    @GET
    @Operation(summary = "The organization's tenant database health as last measured: state, reasons and measures")
    public Uni<DatabaseHealthView> current(@PathParam("orgId") String orgId) {
        return health.current(orgId);
    }
}
