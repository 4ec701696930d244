package io.tenantry.results.job;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.Permission;
import io.tenantry.common.Uuids;
import io.tenantry.common.WireEnums;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.access.TenantAccess;
import io.tenantry.results.idempotency.IdempotentWrites;
import io.tenantry.results.pool.TenantPools;
import io.tenantry.results.queue.JobDispatcher;
import io.tenantry.results.queue.JobQueue;
import io.tenantry.results.store.CatalogueStore;
import io.tenantry.results.store.JobEventStore;
import io.tenantry.results.store.JobStatus;
import io.tenantry.results.store.JobStore;
import io.tenantry.results.store.JobView;
import io.tenantry.results.store.TenantRoute;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** Submitting, reading and cancelling jobs for the organization's own clients. */
@ApplicationScoped
public class JobService {

    private static final int DEFAULT_PRIORITY = 5;

    @Inject
    TenantAccess access;

    @Inject
    TenantPools pools;

    @Inject
    CatalogueStore catalogue;

    @Inject
    JobDispatcher dispatcher;

    @Inject
    JobQueue queue;

    @Inject
    IdempotentWrites idempotent;

    @Inject
    ObjectMapper json;

    /**
     * Stores the job within the organization's quotas, then puts it on the queue. The job is acknowledged once
     * stored: if the queue cannot take it now, the dispatch sweeper queues it later. With an idempotency key
     * already answered, answers that again and stores nothing.
     */
    public Uni<IdempotentWrites.Answer> submit(String orgId, String idempotencyKey, JobRequests.Submit request) {
        requireOneTemplateAndOneInputSet(request);
        JobRequests.Inputs inputs = request.inputs();
        String inputJson = write(inputs);
        int priority = request.priority() == null ? DEFAULT_PRIORITY : request.priority();
        String submittedBy = access.actor();
        String path = "/api/v1/orgs/" + orgId + "/jobs";
        Optional<IdempotentWrites.Keyed> keyed = idempotent.keyed(idempotencyKey, submittedBy, "POST", path, request);
        return access.require(orgId, Permission.JOBS_SUBMIT)
                .call(() -> catalogue.requireMolecules(inputs.moleculeIds(), orgId))
                .chain(route -> template(request, orgId).chain(template -> {
                    JobStore.Draft draft = new JobStore.Draft(Uuids.v7(), template, inputJson, priority, submittedBy,
                            route.maxQueuedJobs(), route.maxJobsPerDay());
                    // Without a key the submission is the whole write, so it commits on its own in one round trip.
                    boolean alone = keyed.isEmpty();
                    Function<SqlConnection, Uni<IdempotentWrites.Outcome<JobView>>> write = c -> idempotent.once(c,
                            keyed, 201, job -> path + "/" + job.id(),
                            () -> (alone ? JobStore.submitCommitted(c, draft) : JobStore.submit(c, draft))
                                    .map(submission -> storedWithinQuotas(route, submission)));
                    return alone ? pools.withConnection(route, write) : pools.inTransaction(route, write);
                }).call(outcome -> outcome.written() == null ? Uni.createFrom().voidItem()
                        : dispatcher.dispatch(route, outcome.written())))
                .map(IdempotentWrites.Outcome::answer);
    }

    public Uni<JobView> get(String orgId, UUID jobId) {
        return access.require(orgId, Permission.JOBS_READ)
                .chain(route -> pools.withConnection(route, c -> JobStore.find(c, jobId)));
    }

    public Uni<Page<JobView>> list(String orgId, String status, String after, int limit) {
        if (status != null) {
            WireEnums.parse(JobStatus.class, status, "status");
        }
        JobKey start = Cursor.decode(after, JobKey::parse);
        return access.require(orgId, Permission.JOBS_READ)
                .chain(route -> pools.withConnection(route, c -> JobStore.page(c, status,
                        start == null ? null : start.createdAt(), start == null ? null : start.id(), limit + 1)))
                .map(rows -> Page.of(rows, limit, JobService::cursorOf, job -> job));
    }

    /** Cancels a queued or running job; its worker learns it on its next report. */
    public Uni<JobView> cancel(String orgId, UUID jobId) {
        String by = access.actor();
        return access.require(orgId, Permission.JOBS_CANCEL)
                .chain(route -> pools.inTransaction(route, c -> JobStore.lock(c, jobId)
                        .chain(job -> {
                            JobStatus.requireTransition(job, JobStatus.CANCELLED);
                            return JobStore.moveTo(c, jobId, JobStatus.CANCELLED, null)
                                    .call(() -> JobEventStore.append(c, jobId, "cancelled", "cancelled by " + by,
                                            null));
                        }))
                .call(job -> queue.retire(orgId, job)));
    }

    private static void requireOneTemplateAndOneInputSet(JobRequests.Submit request) {
        JobRequests.Inputs inputs = request.inputs();
        if ((request.templateId() == null) == (request.template() == null)) {
            throw ApiProblem.badRequest("name the pipeline template with exactly one of 'templateId' and 'template'");
        }
        if (request.templateId() != null && request.templateVersion() != null) {
            throw ApiProblem.badRequest("'templateVersion' goes with 'template'; a templateId names one version already");
        }
        if ((inputs.ligandSet() == null) == (inputs.moleculeIds() == null)) {
            throw ApiProblem.badRequest("inputs need exactly one of 'ligandSet' and 'moleculeIds'");
        }
        if (inputs.parameters() != null && !inputs.parameters().isObject()) {
            throw ApiProblem.badRequest("inputs.parameters must be a JSON object");
        }
    }

    private Uni<CatalogueStore.Template> template(JobRequests.Submit request, String orgId) {
        return request.templateId() != null
                ? catalogue.templateById(request.templateId(), orgId)
                : catalogue.templateByName(request.template(), request.templateVersion(), orgId);
    }

    /** The job stored, or the quota that refused it. */
    private static JobView storedWithinQuotas(TenantRoute route, JobStore.Submission submission) {
        JobStore.Counts counts = submission.counts();
        if (counts.queued() >= route.maxQueuedJobs()) {
            throw ApiProblem.tooManyRequests("organization '" + route.orgId() + "' has " + counts.queued()
                    + " queued jobs, its quota; submit again when some have started", 30);
        }
        if (counts.lastDay() >= route.maxJobsPerDay()) {
            throw ApiProblem.tooManyRequests("organization '" + route.orgId() + "' submitted " + counts.lastDay()
                    + " jobs in the last 24 hours, its daily quota", 3600);
        }
        return submission.job();
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest("inputs cannot be stored as JSON");
        }
    }

    private static String cursorOf(JobView job) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, job.createdAt().toInstant()) + ":" + job.id();
    }

    /** Where a page of jobs starts: after this creation time (in microseconds) and id, newest first. */
    private record JobKey(OffsetDateTime createdAt, UUID id) {
        static JobKey parse(String key) {
            int colon = key.indexOf(':');
            return new JobKey(Instant.EPOCH.plus(Long.parseLong(key.substring(0, colon)), ChronoUnit.MICROS)
                    .atOffset(ZoneOffset.UTC), UUID.fromString(key.substring(colon + 1)));
        }
    }
}
