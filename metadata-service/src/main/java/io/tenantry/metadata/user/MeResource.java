package io.tenantry.metadata.user;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import io.quarkus.security.Authenticated;

/** The signed-in person's own profile, memberships and password. */
@Path("/api/v1/me")
@Authenticated
public class MeResource {

    @Inject
    UserService users;

    @GET
    public UserService.Profile me() {
        return users.me();
    }

    @PUT
    @Path("password")
    public void changePassword(@NotNull @Valid UserRequests.ChangePassword request) {
        users.changeOwnPassword(request);
    }
}
