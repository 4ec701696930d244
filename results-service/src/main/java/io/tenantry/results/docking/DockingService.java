package io.tenantry.results.docking;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.Permission;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.access.TenantAccess;
import io.tenantry.results.pool.TenantPools;
import io.tenantry.results.store.DockingResultStore;
import io.tenantry.results.store.DockingResultView;
import io.tenantry.results.store.JobStore;

/** The docking-result queries users run daily: a job's best N, filters by molecule or score, a molecule across jobs. */
@ApplicationScoped
public class DockingService {

    @Inject
    TenantAccess access;

    @Inject
    TenantPools pools;

    public Uni<Page<DockingResultView>> ofJob(String orgId, UUID jobId, DockingResultStore.JobFilter filter,
                                              String after, int limit) {
        if (filter.minScore() != null && filter.maxScore() != null && filter.minScore() > filter.maxScore()) {
            throw ApiProblem.badRequest("minScore must not exceed maxScore");
        }
        DockingResultStore.After start = decode(after);
        return access.require(orgId, Permission.RESULTS_READ).chain(route -> pools.withConnection(route, c ->
                        DockingResultStore.ofJob(c, jobId, filter, start, limit + 1)
                                .chain(rows -> JobStore.requireJobWhenEmpty(c, jobId, rows))))
                .map(rows -> Page.of(rows, limit, DockingService::cursorOf, r -> r));
    }

    public Uni<Page<DockingResultView>> ofMolecule(String orgId, String molecule, String after, int limit) {
        if (molecule == null) {
            throw ApiProblem.badRequest("the 'moleculeId' query parameter is required");
        }
        UUID moleculeId = uuid(molecule, "moleculeId");
        DockingResultStore.After start = decode(after);
        return access.require(orgId, Permission.RESULTS_READ)
                .chain(route -> pools.withConnection(route,
                        c -> DockingResultStore.ofMolecule(c, moleculeId, start, limit + 1)))
                .map(rows -> Page.of(rows, limit, DockingService::cursorOf, r -> r));
    }

    /** A UUID from a query parameter, or a 400 that names the parameter. */
    public static UUID uuid(String value, String parameter) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("'" + parameter + "' must be a UUID");
        }
    }

    private static String cursorOf(DockingResultView result) {
        return result.score() + "/" + result.id();
    }

    private static DockingResultStore.After decode(String cursor) {
        return Cursor.decode(cursor, key -> {
            int slash = key.indexOf('/');
            return new DockingResultStore.After(Double.parseDouble(key.substring(0, slash)),
                    Long.parseLong(key.substring(slash + 1)));
        });
    }
}
