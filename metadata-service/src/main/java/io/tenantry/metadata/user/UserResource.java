package io.tenantry.metadata.user;

import java.net.URI;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.Authenticated;
import io.tenantry.common.paging.Page;
import io.tenantry.common.WireEnums;

@Path("/api/v1/users")
@Authenticated
public class UserResource {

    @Inject
    UserService users;

    @POST
    public Response create(@NotNull @Valid UserRequests.Create request) {
        var user = users.create(request);
        return Response.created(URI.create("/api/v1/users/" + user.id())).entity(user).build();
    }

    @GET
    public Page<UserService.UserView> list(@QueryParam("email") @Size(max = 254) String emailPrefix,
                                           @QueryParam("status") @Size(max = 20) String status,
                                           @QueryParam("after") String after,
                                           @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return users.list(emailPrefix, status == null ? null : WireEnums.parse(UserStatus.class, status, "status"), after, limit);
    }

    @GET
    @Path("{id}")
    public UserService.UserView get(@PathParam("id") UUID id) {
        return users.get(id);
    }

    @PATCH
    @Path("{id}")
    public UserService.UserView update(@PathParam("id") UUID id, @NotNull @Valid UserRequests.Update request) {
        return users.update(id, request);
    }
}
