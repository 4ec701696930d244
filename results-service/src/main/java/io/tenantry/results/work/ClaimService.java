package io.tenantry.results.work;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.Permission;
import io.tenantry.results.access.TenantAccess;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.pool.TenantPools;
import io.tenantry.results.queue.JobQueue;
import io.tenantry.results.store.ExecutionStore;
import io.tenantry.results.store.JobEventStore;
import io.tenantry.results.store.JobStatus;
import io.tenantry.results.store.JobStore;
import io.tenantry.results.store.JobView;
import io.tenantry.results.store.TenantRoute;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Hands a worker its next job. Taking a message from the queue claims its job for one lease, and the database
 * decides who holds a job: a second claim succeeds only once the first lease has run out, and from then on the
 * first worker's reports are refused, so a job never runs twice at once.
 */
@ApplicationScoped
public class ClaimService {

    /** How many queue messages one call looks at before answering that there is nothing to do. */
    private static final int MESSAGES_PER_CALL = 10;
    private static final String LEASE_RAN_OUT = "the worker's lease ran out";

    @Inject
    TenantAccess access;

    @Inject
    TenantPools pools;

    @Inject
    JobQueue queue;

    @Inject
    HeldJobs held;

    @Inject
    ResultsConfig config;

    @Inject
    ObjectMapper json;

    private enum Outcome { CLAIMED, HELD_ELSEWHERE, STALE }

    private record Taken(Outcome outcome, JobView job) {
    }

    /** The next job for this worker, claimed for it: a reclaimed one first, else the highest priority waiting. */
    public Uni<Optional<JobView>> next(String orgId, WorkRequests.Next request) {
        String claimant = held.claimant(request.worker());
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
            // A claim the database refused (an outage, or the old database of a tenant being moved) leaves the
            // message to be taken again at once rather than when the lease it was read under runs out.
            return pools.inTransaction(route, c -> take(c, message, claimant))
                    .onFailure().call(() -> queue.deferUntilLeaseEnds(message, claimant, lease(), Duration.ZERO))
                    .chain(taken -> switch (taken.outcome()) {
                        case CLAIMED -> Uni.createFrom().item(Optional.of(taken.job()));
                        case HELD_ELSEWHERE -> queue.deferUntilLeaseEnds(message, claimant, lease(),
                                leaseLeft(taken.job())).chain(() -> next(route, claimant, messagesLeft - 1));
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
                ? ExecutionStore.closeOpen(c, jobId, "failed", "cancelled", LEASE_RAN_OUT)
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
        return ExecutionStore.closeOpen(c, job.id(), "failed", "cancelled", LEASE_RAN_OUT)
                .chain(() -> JobStore.moveTo(c, job.id(), JobStatus.FAILED, error))
                .call(() -> JobEventStore.append(c, job.id(), "failed", error, null))
                .map(failed -> new Taken(Outcome.STALE, failed));
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
