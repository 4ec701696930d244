package io.tenantry.results.work;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.idempotency.IdempotentWrites;
import io.tenantry.results.store.DockingResultStore;
import io.tenantry.results.store.ExecutionStore;
import io.tenantry.results.store.JobEventStore;
import io.tenantry.results.store.TaskResultStore;

/**
 * A worker's reports on the job it holds: progress, step changes, task results and docking results. Each renews
 * the lease.
 */
@ApplicationScoped
public class ReportService {

    @Inject
    HeldJobs held;

    @Inject
    ResultsConfig config;

    @Inject
    IdempotentWrites idempotent;

    public Uni<WorkReplies.Lease> progress(String orgId, UUID jobId, WorkRequests.Progress request) {
        String data = request.data() == null ? null : request.data().toString();
        return held.withHeldJob(orgId, jobId, request.worker(), (c, job) ->
                JobEventStore.append(c, jobId, "progress", request.message(), data)
                        .chain(() -> held.renewLease(c, jobId, request.progress()))
                        .map(WorkReplies.Lease::new));
    }

    /** Moves a step of this attempt: pending to running, succeeded or failed; running to succeeded or failed. */
    public Uni<WorkReplies.Lease> step(String orgId, UUID jobId, int stepIndex, WorkRequests.Step request) {
        return held.withHeldJob(orgId, jobId, request.worker(), (c, job) ->
                ExecutionStore.lockStep(c, jobId, stepIndex, job.attempt())
                        .chain(execution -> {
                            boolean legal = switch (execution.status()) {
                                case "pending" -> true;
                                case "running" -> !request.status().equals("running");
                                default -> false;
                            };
                            if (!legal) {
                                throw ApiProblem.conflict("step " + stepIndex + " is " + execution.status()
                                        + " and cannot become " + request.status());
                            }
                            return ExecutionStore.move(c, execution.id(), request.status(), request.error())
                                    .chain(() -> JobEventStore.append(c, jobId, "step-" + request.status(),
                                            "step " + stepIndex + " " + request.status(), null));
                        })
                        .chain(() -> held.renewLease(c, jobId, null))
                        .map(WorkReplies.Lease::new));
    }

    public Uni<WorkReplies.Recorded> taskResult(String orgId, UUID jobId, int stepIndex,
                                                WorkRequests.TaskResult request) {
        if (request.artifacts() != null && !request.artifacts().isArray()) {
            throw ApiProblem.badRequest("artifacts must be an array of references");
        }
        String artifacts = request.artifacts() == null ? null : request.artifacts().toString();
        return held.withHeldJob(orgId, jobId, request.worker(), (c, job) ->
                ExecutionStore.lockStep(c, jobId, stepIndex, job.attempt())
                        .chain(execution -> TaskResultStore.add(c, execution.id(), request.data().toString(),
                                request.confidence(), artifacts))
                        .chain(id -> held.renewLease(c, jobId, null)
                                .map(until -> new WorkReplies.Recorded(id, until))));
    }

    /** Stores a batch of docking results; a batch retried with its idempotency key is answered, not stored again. */
    public Uni<IdempotentWrites.Answer> dockingResults(String orgId, UUID jobId, String idempotencyKey,
                                                       WorkRequests.DockingBatch batch) {
        requireStorable(batch);
        Optional<IdempotentWrites.Keyed> keyed = idempotent.keyed(idempotencyKey, held.claimant(batch.worker()), "POST",
                "/api/v1/orgs/" + orgId + "/work/jobs/" + jobId + "/docking-results", batch);
        return held.withHeldJob(orgId, jobId, batch.worker(), (c, job) ->
                idempotent.<WorkReplies.Ingested>once(c, keyed, 201, ingested -> null, () ->
                        DockingResultStore.insert(c, jobId, batch.results())
                                .chain(inserted -> held.renewLease(c, jobId, null)
                                        .map(until -> new WorkReplies.Ingested(inserted, until)))))
                .map(IdempotentWrites.Outcome::answer);
    }

    private void requireStorable(WorkRequests.DockingBatch batch) {
        int max = config.queue().maxDockingResultsPerRequest();
        if (batch.results().size() > max) {
            throw ApiProblem.badRequest("at most " + max
                    + " docking results per request; send the rest in more requests");
        }
        for (int i = 0; i < batch.results().size(); i++) {
            DockingResultStore.NewResult result = batch.results().get(i);
            if (!result.poses().isArray()) {
                throw ApiProblem.badRequest("results[" + i + "].poses must be an array");
            }
            if (!Double.isFinite(result.score())) {
                throw ApiProblem.badRequest("results[" + i + "].score must be a finite number");
            }
        }
    }
}
