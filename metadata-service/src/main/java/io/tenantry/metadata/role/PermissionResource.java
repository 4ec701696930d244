package io.tenantry.metadata.role;

import java.util.Arrays;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import io.quarkus.security.Authenticated;
import io.tenantry.common.Permission;

/** The permissions a custom role can be built from. */
@Path("/api/v1/permissions")
@Authenticated
public class PermissionResource {

    @GET
    public List<String> permissions() {
        return Arrays.stream(Permission.values()).map(Permission::wire).toList();
    }
}
