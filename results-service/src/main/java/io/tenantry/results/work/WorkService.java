package io.tenantry.results.work;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.Permission;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.access.TenantAccess;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.pool.TenantPools;
import io.tenantry.results.queue.JobQueue;
import io.tenantry.results.store.DockingResultStore;
import io.tenantry.results.store.ExecutionStore;
import io.tenantry.results.store.JobEventStore;
import io.tenantry.results.store.JobStatus;
import io.tenantry.results.store.JobStore;
import io.tenantry.results.store.JobView;
import io.tenantry.results.store.TaskResultStore;
import io.tenantry.results.store.TenantRoute;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * What a worker may do, and only to a job it holds. Taking a job from the queue claims it for one lease, and
 * every report renews the lease. The database decides who holds a job: a second claim succeeds only once the
 * first lease has run out, and from then on the first worker's reports are refused, so a job never runs twice
 * at once.
 */
@ApplicationScoped
public class WorkService {

    /** How many queue messages one call looks at before answering that there is nothing to do. */
    private static final int MESSAGES_PER_CALL = 10;

    @Inject
    TenantAccess access;

    @Inject
    TenantPools pools;

    @Inject
    JobQueue queue;

    @Inject
    ResultsConfig config;

    @Inject
    ObjectMapper json;

    public record Lease(OffsetDateTime leaseExpiresAt) {
    }

    public record Ingested(int inserted, OffsetDateTime leaseExpiresAt) {
    }

    public record Recorded(UUID id, OffsetDateTime leaseExpiresAt) {
    }

    private enum Outcome { CLAIMED, HELD_ELSEWHERE, STALE }

    private record Taken(Outcome outcome, JobView job) {
    }

    /** The next job for this worker, claimed for it: a reclaimed one first, else the highest priority waiting. */
    public Uni<Optional<JobView>> next(String orgId, WorkRequests.Next request) {
        String claimant = claimant(request.worker());
        return access.require(orgId, Permission.JOBS_WORK).chain(route -> next(route, claimant, MESSAGES_PER_CALL));
    }

    private Uni<Optional<JobView>> next(TenantRoute route, String claimant, int messagesLeft) {
        if (messagesLeft == 0) {
            return Uni.createFrom().item(Optional.empty());
        }
        return queue.next(route.orgId(), claimant, lease()).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<JobView>empty());
            }
            JobQueue.Message message = found.get();
            return pools.inTransaction(route, c -> take(c, message, claimant)).chain(taken -> switch (taken.outcome()) {
                case CLAIMED -> Uni.createFrom().item(Optional.of(taken.job()));
                case HELD_ELSEWHERE -> queue.deferUntilLeaseEnds(message, claimant, lease(), leaseLeft(taken.job()))
                        .chain(() -> next(route, claimant, messagesLeft - 1));
                case STALE -> queue.retire(message).chain(() -> next(route, claimant, messagesLeft - 1));
            });
        });
    }

    /** Decides, with the job locked, what a message read from the queue means now. */
    private Uni<Taken> take(SqlConnection c, JobQueue.Message message, String claimant) {
        if (message.jobId() == null) {
            return Uni.createFrom().item(new Taken(Outcome.STALE, null));
        }
        return JobStore.lockForClaim(c, message.jobId()).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new Taken(Outcome.STALE, null));
            }
            JobView job = found.get().job();
            JobStatus status = JobStatus.of(job.status());
            if (status.isFinished()) {
                return Uni.createFrom().item(new Taken(Outcome.STALE, job));
            }
            if (status == JobStatus.QUEUED) {
                return claim(c, job, message, claimant, false);
            }
            if (found.get().leaseLive()) {
                return Uni.createFrom().item(new Taken(Outcome.HELD_ELSEWHERE, job));
            }
            if (job.attempt() >= config.queue().maxAttempts()) {
                return giveUp(c, job);
            }
            return claim(c, job, message, claimant, true);
        });
    }

    private Uni<Taken> claim(SqlConnection c, JobView job, JobQueue.Message message, String claimant, boolean reclaim) {
        UUID jobId = job.id();
        Uni<Void> previous = reclaim
                ? ExecutionStore.closeOpen(c, jobId, "failed", "cancelled", "the worker's lease ran out")
                : Uni.createFrom().voidItem();
        return previous.chain(() -> JobStore.claim(c, jobId, claimant, lease(), message.id()))
                .call(claimed -> ExecutionStore.createForAttempt(c, jobId, steps(claimed), claimant, claimed.attempt()))
                .call(claimed -> JobEventStore.append(c, jobId, reclaim ? "reclaimed" : "claimed",
                        "attempt " + claimed.attempt() + " by " + claimant, null))
                .map(claimed -> new Taken(Outcome.CLAIMED, claimed));
    }

    /** A job whose workers let every allowed attempt's lease run out fails rather than kill worker after worker. */
    private Uni<Taken> giveUp(SqlConnection c, JobView job) {
        String error = "abandoned: " + job.attempt() + " attempts ended without their worker reporting";
        return ExecutionStore.closeOpen(c, job.id(), "failed", "cancelled", "the worker's lease ran out")
                .chain(() -> JobStore.moveTo(c, job.id(), JobStatus.FAILED, error))
                .call(() -> JobEventStore.append(c, job.id(), "failed", error, null))
                .map(failed -> new Taken(Outcome.STALE, failed));
    }

    public Uni<Lease> progress(String orgId, UUID jobId, WorkRequests.Progress request) {
        String data = request.data() == null ? null : request.data().toString();
        return held(orgId, jobId, request.worker(), (c, job) -> JobEventStore.append(c, jobId, "progress", request.message(), data)
                .chain(() -> JobStore.renewLease(c, jobId, lease(), request.progress()))
                .map(Lease::new));
    }

    public Uni<Lease> step(String orgId, UUID jobId, int stepIndex, WorkRequests.Step request) {
        return held(orgId, jobId, request.worker(), (c, job) -> ExecutionStore.lockStep(c, jobId, stepIndex, job.attempt())
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
                .chain(() -> JobStore.renewLease(c, jobId, lease(), null))
                .map(Lease::new));
    }

    public Uni<Recorded> taskResult(String orgId, UUID jobId, int stepIndex, WorkRequests.TaskResult request) {
        if (request.artifacts() != null && !request.artifacts().isArray()) {
            throw ApiProblem.badRequest("artifacts must be an array of references");
        }
        String artifacts = request.artifacts() == null ? null : request.artifacts().toString();
        return held(orgId, jobId, request.worker(), (c, job) -> ExecutionStore.lockStep(c, jobId, stepIndex, job.attempt())
                .chain(execution -> TaskResultStore.add(c, execution.id(), request.data().toString(),
                        request.confidence(), artifacts))
                .chain(id -> JobStore.renewLease(c, jobId, lease(), null).map(until -> new Recorded(id, until))));
    }

    public Uni<Ingested> dockingResults(String orgId, UUID jobId, WorkRequests.DockingBatch batch) {
        int max = config.queue().maxDockingResultsPerRequest();
        if (batch.results().size() > max) {
            throw ApiProblem.badRequest("at most " + max + " docking results per request; send the rest in more requests");
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
        return held(orgId, jobId, batch.worker(), (c, job) -> DockingResultStore.insert(c, jobId, batch.results())
                .chain(inserted -> JobStore.renewLease(c, jobId, lease(), null).map(until -> new Ingested(inserted, until))));
    }

    /** Completes the job once every step of this attempt has succeeded. */
    public Uni<JobView> complete(String orgId, UUID jobId, WorkRequests.Finish request) {
        return held(orgId, jobId, request.worker(), (c, job) -> ExecutionStore.unfinished(c, jobId, job.attempt())
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

    public Uni<JobView> fail(String orgId, UUID jobId, WorkRequests.Failure request) {
        return held(orgId, jobId, request.worker(), (c, job) -> ExecutionStore.closeOpen(c, jobId, "failed", "cancelled",
                        request.error())
                .chain(() -> JobStore.moveTo(c, jobId, JobStatus.FAILED, request.error()))
                .call(() -> JobEventStore.append(c, jobId, "failed", request.error(), null)))
                .call(job -> queue.retire(orgId, job));
    }

    /** Runs {@code work} in a transaction, with the job locked, if this worker holds it; 409 otherwise. */
    private <T> Uni<T> held(String orgId, UUID jobId, String worker, BiFunction<SqlConnection, JobView, Uni<T>> work) {
        String claimant = claimant(worker);
        return access.require(orgId, Permission.JOBS_WORK).chain(route -> pools.inTransaction(route, c -> JobStore.lock(c, jobId)
                .chain(job -> {
                    if (!job.status().equals("running") || !claimant.equals(job.claimedBy())) {
                        throw ApiProblem.conflict("job " + jobId + " is " + job.status()
                                + " and not held by this worker; stop working on it");
                    }
                    return work.apply(c, job);
                })));
    }

    private String claimant(String worker) {
        return access.actor() + "/" + worker;
    }

    private Duration lease() {
        return config.queue().lease();
    }

    private static Duration leaseLeft(JobView job) {
        return job.leaseExpiresAt() == null ? Duration.ZERO
                : Duration.between(OffsetDateTime.now(), job.leaseExpiresAt());
    }

    private List<ExecutionStore.Step> steps(JobView job) {
        try {
            List<ExecutionStore.Step> steps = new ArrayList<>();
            for (JsonNode step : json.readTree(job.steps())) {
                steps.add(new ExecutionStore.Step(step.path("name").asText(), step.path("task").asText()));
            }
            return steps;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job " + job.id() + " has unreadable steps", e);
        }
    }
}
