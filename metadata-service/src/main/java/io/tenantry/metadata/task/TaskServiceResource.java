package io.tenantry.metadata.task;

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

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.quarkus.security.Authenticated;
import io.tenantry.common.WireEnums;
import io.tenantry.common.paging.Page;

@Path("/api/v1/task-services")
@Authenticated
public class TaskServiceResource {

    @Inject
    TaskCatalogue catalogue;

    @GET
    public Page<TaskCatalogue.TaskServiceView> list(@QueryParam("task") @Size(max = 63) String task,
                                                    @QueryParam("status") @Size(max = 20) String status,
                                                    @QueryParam("after") String after,
                                                    @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return catalogue.services(task, status == null ? null : WireEnums.parse(TaskServiceStatus.class, status, "status"), after, limit);
    }

    @POST
    @APIResponse(responseCode = "201", description = "Registered",
            content = @Content(schema = @Schema(implementation = TaskCatalogue.TaskServiceView.class)))
    @APIResponse(responseCode = "404", description = "Not Found: no task definition has that name")
    public Response register(@NotNull @Valid TaskRequests.RegisterService request) {
        var service = catalogue.register(request);
        return Response.created(URI.create("/api/v1/task-services/" + service.id())).entity(service).build();
    }

    @PATCH
    @Path("{id}")
    public TaskCatalogue.TaskServiceView update(@PathParam("id") UUID id, @NotNull @Valid TaskRequests.UpdateService request) {
        return catalogue.update(id, request);
    }
}
