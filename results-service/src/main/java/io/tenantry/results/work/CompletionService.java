package io.tenantry.results.work;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.queue.JobQueue;
import io.tenantry.results.store.ExecutionStore;
import io.tenantry.results.store.JobEventStore;
import io.tenantry.results.store.JobStatus;
import io.tenantry.results.store.JobStore;
import io.tenantry.results.store.JobView;

/**
 * A worker ends the job it holds: succeeded once every step of its attempt has, or failed. Either way its message
 * leaves the queue.
 */
@ApplicationScoped
public class CompletionService {

    @Inject
    HeldJobs held;

    @Inject
    JobQueue queue;

    /** Completes the job once every step of this attempt has succeeded. */
    public Uni<JobView> complete(String orgId, UUID jobId, WorkRequests.Finish request) {
        return held.withHeldJob(orgId, jobId, request.worker(), (c, job) ->
                        ExecutionStore.unfinished(c, jobId, job.attempt())
                                .chain(unfinished -> {
                                    if (!unfinished.isEmpty()) {
                                        throw ApiProblem.conflict("steps " + String.join(", ", unfinished)
                                                + " have not succeeded; report them, or fail the job");
                                    }
                                    return JobStore.moveTo(c, jobId, JobStatus.SUCCEEDED, null);
                                })
                                .call(() -> JobEventStore.append(c, jobId, "succeeded", null, null)))
                .call(job -> queue.retire(orgId, job));
    }

    /** Fails the job; its open steps are closed. */
    public Uni<JobView> fail(String orgId, UUID jobId, WorkRequests.Failure request) {
        return held.withHeldJob(orgId, jobId, request.worker(), (c, job) ->
                        ExecutionStore.closeOpen(c, jobId, "failed", "cancelled", request.error())
                                .chain(() -> JobStore.moveTo(c, jobId, JobStatus.FAILED, request.error()))
                                .call(() -> JobEventStore.append(c, jobId, "failed", request.error(), null)))
                .call(job -> queue.retire(orgId, job));
    }
}
