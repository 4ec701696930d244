package io.tenantry.results.job;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.tenantry.common.paging.Page;
import io.tenantry.results.idempotency.IdempotentWrites;
import io.tenantry.results.store.JobView;

/** An organization's jobs, for its own clients. */
@Path("/api/v1/orgs/{orgId}/jobs")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class JobResource {

    private final JobService jobs;

    public JobResource(JobService jobs) {
        this.jobs = jobs;
    }

    @POST
    @Operation(summary = "Submit a job: a template version, inputs, a priority; 201 once stored, 429 past a quota")
    public Uni<Response> submit(@PathParam("orgId") String orgId,
                                @HeaderParam(IdempotentWrites.HEADER) @Parameter(description = IdempotentWrites.DESCRIPTION) String idempotencyKey,
                                @NotNull @Valid JobRequests.Submit request) {
        return jobs.submit(orgId, idempotencyKey, request).map(IdempotentWrites.Answer::toResponse);
    }

    @GET
    @Operation(summary = "The organization's jobs, newest first, without their steps and inputs")
    public Uni<Page<JobView>> list(@PathParam("orgId") String orgId, @QueryParam("status") String status,
                                   @QueryParam("after") String after,
                                   @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return jobs.list(orgId, status, after, limit);
    }

    @GET
    @Path("/{jobId}")
    @Operation(summary = "One job, with the template steps and inputs it was submitted with")
    public Uni<JobView> get(@PathParam("orgId") String orgId, @PathParam("jobId") UUID jobId) {
        return jobs.get(orgId, jobId);
    }

    @POST
    @Path("/{jobId}/cancel")
    @Operation(summary = "Cancel a queued or running job; its worker is refused from its next report")
    public Uni<JobView> cancel(@PathParam("orgId") String orgId, @PathParam("jobId") UUID jobId) {
        return jobs.cancel(orgId, jobId);
    }
}
