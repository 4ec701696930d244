package io.tenantry.metadata.task;

import java.net.URI;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.Authenticated;
import io.tenantry.common.paging.Page;

@Path("/api/v1/task-definitions")
@Authenticated
public class TaskDefinitionResource {

    @Inject
    TaskCatalogue catalogue;

    @GET
    public Page<TaskCatalogue.TaskDefinitionView> list(@QueryParam("after") String after,
                                                       @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return catalogue.definitions(after, limit);
    }

    @GET
    @Path("{name}")
    public TaskCatalogue.TaskDefinitionView get(@PathParam("name") @Size(max = 63) String name) {
        return catalogue.definition(name);
    }

    @POST
    public Response define(@NotNull @Valid TaskRequests.Define request) {
        var definition = catalogue.define(request);
        return Response.created(URI.create("/api/v1/task-definitions/" + definition.name())).entity(definition).build();
    }
}
