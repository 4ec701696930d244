package io.tenantry.results.tenant;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tenantry.common.RedisChannels;
import io.tenantry.results.config.ResultsConfig;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Resolves an organization to its tenant database: from this replica's memory, else the copy shared in Redis,
 * else the tenant registry in the metadata database. Entries live for the cache TTL unless the provisioner
 * announces a change first. Redis is a shortcut only; when it is away, lookups go to the registry.
 */
@ApplicationScoped
public class TenantDirectory {

    private static final Logger LOG = Logger.getLogger(TenantDirectory.class);
    private static final Duration REDIS_PATIENCE = Duration.ofMillis(300);

    @Inject
    Pool metadata;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    ResultsConfig config;

    private final ConcurrentHashMap<String, Cached> local = new ConcurrentHashMap<>();

    private record Cached(Optional<TenantRoute> route, long expiresAt) {
    }

    /** The organization's route; empty when no such organization exists. */
    public Uni<Optional<TenantRoute>> lookup(String orgId) {
        Cached cached = local.get(orgId);
        if (cached != null && cached.expiresAt > System.nanoTime()) {
            return Uni.createFrom().item(cached.route);
        }
        return fromRedis(orgId)
                .onItem().ifNull().switchTo(() -> fromRegistry(orgId).call(route -> toRedis(orgId, route)))
                .invoke(route -> local.put(orgId, new Cached(route, System.nanoTime() + config.tenantCache().ttl().toNanos())));
    }

    /** Forgets what this replica and Redis know of the organization. */
    public Uni<Void> forget(String orgId) {
        local.remove(orgId);
        return redis.key().del(RedisChannels.tenantLookupKey(orgId)).replaceWithVoid()
                .ifNoItem().after(REDIS_PATIENCE).recoverWithItem(() -> null)
                .onFailure().recoverWithNull();
    }

    /** Active tenants in the registry, for sweeps that must visit every tenant. */
    public Uni<List<String>> activeTenants() {
        return metadata.query("SELECT org_id FROM provisioner.tenants WHERE status = 'active' ORDER BY org_id")
                .execute()
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getString(0)));
                    return ids;
                });
    }

    private Uni<Optional<TenantRoute>> fromRedis(String orgId) {
        return redis.value(TenantRoute.class).get(RedisChannels.tenantLookupKey(orgId))
                .map(Optional::of)
                .ifNoItem().after(REDIS_PATIENCE).recoverWithItem(() -> null)
                .onFailure().invoke(e -> LOG.debugf("tenant cache in Redis unavailable: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> toRedis(String orgId, Optional<TenantRoute> route) {
        if (route.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return redis.value(TenantRoute.class)
                .setex(RedisChannels.tenantLookupKey(orgId), config.tenantCache().ttl().toSeconds(), route.get())
                .ifNoItem().after(REDIS_PATIENCE).recoverWithItem(() -> null)
                .onFailure().recoverWithNull();
    }

    private Uni<Optional<TenantRoute>> fromRegistry(String orgId) {
        return metadata.preparedQuery("""
                        SELECT o.org_id, coalesce(t.status, o.status), t.server, t.database_name, t.role_name,
                               coalesce(t.credential_generation, 1), o.max_queued_jobs, o.max_jobs_per_day
                          FROM organization_lifecycle o LEFT JOIN provisioner.tenants t ON t.org_id = o.org_id
                         WHERE o.org_id = $1""")
                .execute(Tuple.of(orgId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(route(rows.iterator().next())));
    }

    private static TenantRoute route(Row row) {
        return new TenantRoute(row.getString(0), row.getString(1), row.getString(2), row.getString(3),
                row.getString(4), row.getInteger(5), row.getInteger(6), row.getInteger(7));
    }
}
