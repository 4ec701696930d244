package io.tenantry.results.job;

import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.tenantry.common.paging.Page;
import io.tenantry.results.docking.DockingService;
import io.tenantry.results.store.DockingResultStore;
import io.tenantry.results.store.DockingResultView;
import io.tenantry.results.store.ExecutionStore;
import io.tenantry.results.store.JobEventStore;
import io.tenantry.results.store.TaskResultStore;

/** What a job produced and went through: events, task executions, task results and docking results. */
@Path("/api/v1/orgs/{orgId}/jobs/{jobId}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class JobDetailsResource {

    private final TimelineService timeline;
    private final DockingService docking;

    public JobDetailsResource(TimelineService timeline, DockingService docking) {
        this.timeline = timeline;
        this.docking = docking;
    }

    @GET
    @Path("/events")
    @Operation(summary = "The job's timeline: every state change and progress report, oldest first")
    public Uni<Page<JobEventStore.Event>> events(@PathParam("orgId") String orgId, @PathParam("jobId") UUID jobId,
                                            @QueryParam("after") String after,
                                            @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return timeline.events(orgId, jobId, after, limit);
    }

    @GET
    @Path("/executions")
    @Operation(summary = "The job's task executions, one per step and attempt, in step order")
    public Uni<Page<ExecutionStore.Execution>> executions(@PathParam("orgId") String orgId, @PathParam("jobId") UUID jobId,
                                                    @QueryParam("after") String after,
                                                    @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return timeline.executions(orgId, jobId, after, limit);
    }

    @GET
    @Path("/executions/{executionId}/results")
    @Operation(summary = "The task results of one execution")
    public Uni<Page<TaskResultStore.TaskResult>> results(@PathParam("orgId") String orgId, @PathParam("jobId") UUID jobId,
                                                  @PathParam("executionId") UUID executionId,
                                                  @QueryParam("after") String after,
                                                  @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return timeline.results(orgId, jobId, executionId, after, limit);
    }

    /** Best scores first; the first page with {@code limit=N} is the job's top N. */
    @GET
    @Path("/docking-results")
    @Operation(summary = "The job's docking results, best score first; with limit=N the first page is the top N")
    public Uni<Page<DockingResultView>> dockingResults(@PathParam("orgId") String orgId,
                                                       @PathParam("jobId") UUID jobId,
                                                       @QueryParam("moleculeId") String moleculeId,
                                                       @QueryParam("minScore") Double minScore,
                                                       @QueryParam("maxScore") Double maxScore,
                                                       @QueryParam("after") String after,
                                                       @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return docking.ofJob(orgId, jobId, new DockingResultStore.JobFilter(
                DockingService.uuid(moleculeId, "moleculeId"), minScore, maxScore), after, limit);
    }
}
