package io.tenantry.results.job;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.Permission;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.results.access.TenantAccess;
import io.tenantry.results.pool.TenantPools;
import io.tenantry.results.store.ExecutionStore;
import io.tenantry.results.store.JobEventStore;
import io.tenantry.results.store.JobStore;
import io.tenantry.results.store.TaskResultStore;

/** Reads a job's events, executions and task results; a job of another organization is simply not found. */
@ApplicationScoped
public class TimelineService {

    @Inject
    TenantAccess access;

    @Inject
    TenantPools pools;

    public Uni<Page<JobEventStore.Event>> events(String orgId, UUID jobId, String after, int limit) {
        Long start = Cursor.decodeLong(after);
        return access.require(orgId, Permission.JOBS_READ).chain(route -> pools.withConnection(route, c ->
                        JobEventStore.page(c, jobId, start, limit + 1)
                                .chain(rows -> JobStore.requireJobWhenEmpty(c, jobId, rows))))
                .map(rows -> Page.of(rows, limit, e -> Long.toString(e.id()), e -> e));
    }

    public Uni<Page<ExecutionStore.Execution>> executions(String orgId, UUID jobId, String after, int limit) {
        ExecutionStore.ExecutionKey start = executionKey(after);
        return access.require(orgId, Permission.JOBS_READ).chain(route -> pools.withConnection(route, c ->
                        ExecutionStore.page(c, jobId, start, limit + 1)
                                .chain(rows -> JobStore.requireJobWhenEmpty(c, jobId, rows))))
                .map(rows -> Page.of(rows, limit, e -> e.stepIndex() + ":" + e.attempt(), e -> e));
    }

    public Uni<Page<TaskResultStore.TaskResult>> results(String orgId, UUID jobId, UUID executionId, String after,
                                                         int limit) {
        UUID start = Cursor.decodeUuid(after);
        return access.require(orgId, Permission.RESULTS_READ).chain(route -> pools.withConnection(route, c ->
                        TaskResultStore.page(c, jobId, executionId, start, limit + 1)
                                .chain(rows -> ExecutionStore.requireExecutionWhenEmpty(c, jobId, executionId, rows))))
                .map(rows -> Page.of(rows, limit, r -> r.id().toString(), r -> r));
    }

    private static ExecutionStore.ExecutionKey executionKey(String after) {
        return Cursor.decode(after, key -> {
            int colon = key.indexOf(':');
            return new ExecutionStore.ExecutionKey(Integer.parseInt(key.substring(0, colon)),
                    Integer.parseInt(key.substring(colon + 1)));
        });
    }
}
