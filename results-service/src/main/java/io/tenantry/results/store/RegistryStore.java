package io.tenantry.results.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The tenant registry as results-service may read it in the metadata database: each organization's lifecycle
 * (metadata-service's view {@code organization_lifecycle}) with its tenant database as the provisioner records it
 * ({@code provisioner.tenants}).
 */
@ApplicationScoped
public class RegistryStore {

    @Inject
    MetadataDatabase metadata;

    /**
     * The organization's route; empty when no such organization exists. A restore closes the tenant
     * ({@code maintenance}); a move's switch ({@code moving}) pauses only the writes of an active tenant, and a
     * tenant suspended meanwhile stays suspended.
     */
    public Uni<Optional<TenantRoute>> route(String orgId) {
        return metadata.query("""
                        SELECT o.org_id,
                               CASE WHEN t.maintenance = 'moving' AND t.status = 'active' THEN 'moving'
                                    WHEN t.maintenance = 'moving' THEN coalesce(t.status, o.status)
                                    WHEN t.maintenance IS NOT NULL THEN 'maintenance'
                                    ELSE coalesce(t.status, o.status) END,
                               t.server, t.database_name, t.role_name,
                               coalesce(t.credential_generation, 1), o.max_queued_jobs, o.max_jobs_per_day,
                               o.max_requests_per_second, o.max_concurrent_requests
                          FROM organization_lifecycle o LEFT JOIN provisioner.tenants t ON t.org_id = o.org_id
                         WHERE o.org_id = $1""", Tuple.of(orgId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(route(rows.iterator().next())));
    }

    /** Active tenants, for sweeps that must visit every tenant. */
    public Uni<List<String>> activeTenants() {
        return metadata.query("SELECT org_id FROM provisioner.tenants WHERE status = 'active' ORDER BY org_id")
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getString(0)));
                    return ids;
                });
    }

    public Uni<Long> countActiveTenants() {
        return metadata.query("SELECT count(*) FROM provisioner.tenants WHERE status = 'active'")
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private static TenantRoute route(Row row) {
        return new TenantRoute(row.getString(0), row.getString(1), row.getString(2), row.getString(3),
                row.getString(4), row.getInteger(5), row.getInteger(6), row.getInteger(7), row.getInteger(8),
                row.getInteger(9));
    }
}
