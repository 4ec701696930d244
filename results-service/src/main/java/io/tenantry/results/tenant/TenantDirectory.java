package io.tenantry.results.tenant;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tenantry.common.RedisChannels;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.pool.StaleRoutes;
import io.tenantry.results.store.RegistryStore;
import io.tenantry.results.store.TenantRoute;

/**
 * Resolves an organization to its tenant database: from this replica's memory, else the copy shared in Redis,
 * else the tenant registry in the metadata database. Entries live for the cache TTL unless the provisioner
 * announces a change first. Redis is a shortcut only; when it is away, lookups go to the registry.
 */
@ApplicationScoped
public class TenantDirectory implements StaleRoutes {

    private static final Logger LOG = Logger.getLogger(TenantDirectory.class);
    private static final Duration REDIS_PATIENCE = Duration.ofMillis(300);

    @Inject
    RegistryStore registry;

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
                .onItem().ifNull().switchTo(() -> registry.route(orgId).call(route -> toRedis(orgId, route)))
                .invoke(route -> local.put(orgId, new Cached(route, System.nanoTime() + config.tenantCache().ttl().toNanos())));
    }

    /** Forgets what this replica and Redis know of the organization. */
    @Override
    public Uni<Void> forget(String orgId) {
        local.remove(orgId);
        return redis.key().del(RedisChannels.tenantLookupKey(orgId)).replaceWithVoid()
                .ifNoItem().after(REDIS_PATIENCE).recoverWithItem(() -> null)
                .onFailure().recoverWithNull();
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
}
