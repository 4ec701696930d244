package io.tenantry.results.job;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.common.Permission;
import io.tenantry.results.access.TenantAccess;
import io.tenantry.results.tenant.TenantPools;

/** Reads a job's events, executions and task results; a job of another organization is simply not found. */
@ApplicationScoped
public class TimelineService {

    @Inject
    TenantAccess access;

    @Inject
    TenantPools pools;

    public Uni<Page<Timeline.Event>> events(String orgId, UUID jobId, String after, int limit) {
        Long start = Cursor.decodeLong(after);
        return access.require(orgId, Permission.JOBS_READ).chain(route -> pools.withConnection(route, c ->
                        Timeline.events(c, jobId, start, limit + 1).chain(rows -> Jobs.requireJobWhenEmpty(c, jobId, rows))))
                .map(rows -> Page.of(rows, limit, e -> Long.toString(e.id()), e -> e));
    }

    public Uni<Page<Timeline.Execution>> executions(String orgId, UUID jobId, String after, int limit) {
        Timeline.ExecutionKey start = executionKey(after);
        return access.require(orgId, Permission.JOBS_READ).chain(route -> pools.withConnection(route, c ->
                        Timeline.executions(c, jobId, start, limit + 1).chain(rows -> Jobs.requireJobWhenEmpty(c, jobId, rows))))
                .map(rows -> Page.of(rows, limit, e -> e.stepIndex() + ":" + e.attempt(), e -> e));
    }

    public Uni<Page<Timeline.TaskResult>> results(String orgId, UUID jobId, UUID executionId, String after, int limit) {
        UUID start = Cursor.decodeUuid(after);
        return access.require(orgId, Permission.RESULTS_READ).chain(route -> pools.withConnection(route, c ->
                        Timeline.results(c, jobId, executionId, start, limit + 1)
                                .chain(rows -> Timeline.requireExecutionWhenEmpty(c, jobId, executionId, rows))))
                .map(rows -> Page.of(rows, limit, r -> r.id().toString(), r -> r));
    }

    private static Timeline.ExecutionKey executionKey(String after) {
        return Cursor.decode(after, key -> {
            int colon = key.indexOf(':');
            return new Timeline.ExecutionKey(Integer.parseInt(key.substring(0, colon)),
                    Integer.parseInt(key.substring(colon + 1)));
        });
    }
}
