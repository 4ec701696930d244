package io.tenantry.results.work;

import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.Permission;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.access.TenantAccess;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.pool.TenantPools;
import io.tenantry.results.store.JobStore;
import io.tenantry.results.store.JobView;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The rule every report follows: a worker acts only on a job it holds. A worker is the token's subject with the
 * process name it gives, so processes sharing one API client never act on each other's jobs.
 */
@ApplicationScoped
public class HeldJobs {

    @Inject
    TenantAccess access;

    @Inject
    TenantPools pools;

    @Inject
    ResultsConfig config;

    /** Runs {@code work} in a transaction, with the job locked, if this worker holds it; 409 otherwise. */
    <T> Uni<T> withHeldJob(String orgId, UUID jobId, String worker, BiFunction<SqlConnection, JobView, Uni<T>> work) {
        String claimant = claimant(worker);
        return access.require(orgId, Permission.JOBS_WORK)
                .chain(route -> pools.inTransaction(route, c -> JobStore.lock(c, jobId).chain(job -> {
                    if (!job.status().equals("running") || !claimant.equals(job.claimedBy())) {
                        throw ApiProblem.conflict("job " + jobId + " is " + job.status()
                                + " and not held by this worker; stop working on it");
                    }
                    return work.apply(c, job);
                })));
    }

    /** Who holds a job this worker process claims. */
    String claimant(String worker) {
        return access.actor() + "/" + worker;
    }

    /** Renews the held job's lease from now, with its progress when one is reported; answers the new expiry. */
    Uni<OffsetDateTime> renewLease(SqlConnection c, UUID jobId, Integer progress) {
        return JobStore.renewLease(c, jobId, config.queue().lease(), progress);
    }
}
