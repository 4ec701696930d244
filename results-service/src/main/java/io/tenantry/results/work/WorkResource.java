package io.tenantry.results.work;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.tenantry.results.idempotency.IdempotentWrites;
import io.tenantry.results.store.JobView;

/**
 * The worker's side: take the next job from the organization's queue, report on it, finish it. Every call needs
 * {@code jobs:work}, and reports are accepted only from the worker that holds the job.
 */
@Path("/api/v1/orgs/{orgId}/work")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkResource {

    private final ClaimService claims;
    private final ReportService reports;
    private final CompletionService completions;

    public WorkResource(ClaimService claims, ReportService reports, CompletionService completions) {
        this.claims = claims;
        this.reports = reports;
        this.completions = completions;
    }

    /** 200 with the claimed job (its lease in {@code leaseExpiresAt}), or 204 when no job waits. */
    @POST
    @Path("/next")
    @Operation(summary = "The next job for this worker: a reclaimed one first, else the highest priority; 204 if none")
    public Uni<Response> next(@PathParam("orgId") String orgId, @NotNull @Valid WorkRequests.Next request) {
        return claims.next(orgId, request).map(job -> job.isPresent() ? Response.ok(job.get()).build()
                : Response.noContent().build());
    }

    @POST
    @Path("/jobs/{jobId}/progress")
    @Operation(summary = "Report progress on a held job; renews its lease")
    public Uni<WorkReplies.Lease> progress(@PathParam("orgId") String orgId, @PathParam("jobId") UUID jobId,
                                           @NotNull @Valid WorkRequests.Progress request) {
        return reports.progress(orgId, jobId, request);
    }

    @PUT
    @Path("/jobs/{jobId}/steps/{stepIndex}")
    @Operation(summary = "Move a step of the held job to running, succeeded or failed; renews the lease")
    public Uni<WorkReplies.Lease> step(@PathParam("orgId") String orgId, @PathParam("jobId") UUID jobId,
                                       @PathParam("stepIndex") @Min(0) int stepIndex,
                                       @NotNull @Valid WorkRequests.Step request) {
        return reports.step(orgId, jobId, stepIndex, request);
    }

    @POST
    @Path("/jobs/{jobId}/steps/{stepIndex}/results")
    @Operation(summary = "Record a task result of a step of the held job")
    public Uni<Response> taskResult(@PathParam("orgId") String orgId, @PathParam("jobId") UUID jobId,
                                    @PathParam("stepIndex") @Min(0) int stepIndex,
                                    @NotNull @Valid WorkRequests.TaskResult request) {
        return reports.taskResult(orgId, jobId, stepIndex, request)
                .map(recorded -> Response.status(Response.Status.CREATED).entity(recorded).build());
    }

    @POST
    @Path("/jobs/{jobId}/docking-results")
    @Operation(summary = "Ingest up to 5,000 docking results for the held job in one request")
    public Uni<Response> dockingResults(@PathParam("orgId") String orgId, @PathParam("jobId") UUID jobId,
                                        @HeaderParam(IdempotentWrites.HEADER) @Parameter(description = IdempotentWrites.DESCRIPTION) String idempotencyKey,
                                        @NotNull @Valid WorkRequests.DockingBatch batch) {
        return reports.dockingResults(orgId, jobId, idempotencyKey, batch).map(IdempotentWrites.Answer::toResponse);
    }

    @POST
    @Path("/jobs/{jobId}/complete")
    @Operation(summary = "Complete the held job once every step of this attempt has succeeded")
    public Uni<JobView> complete(@PathParam("orgId") String orgId, @PathParam("jobId") UUID jobId,
                                 @NotNull @Valid WorkRequests.Finish request) {
        return completions.complete(orgId, jobId, request);
    }

    @POST
    @Path("/jobs/{jobId}/fail")
    @Operation(summary = "Fail the held job with an error; its open steps are closed")
    public Uni<JobView> fail(@PathParam("orgId") String orgId, @PathParam("jobId") UUID jobId,
                             @NotNull @Valid WorkRequests.Failure request) {
        return completions.fail(orgId, jobId, request);
    }
}
