package io.tenantry.provisioner.reconcile;

import io.tenantry.common.RedisChannels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.RedisDataSource;

/**
 * Announces on Redis that a tenant changed, so services caching tenant lookups drop the entry at once; the shared
 * cached lookup is deleted first, so no replica reads the old one back from Redis.
 * Best effort: a missed announcement only leaves a cache entry until it expires.
 */
@ApplicationScoped
public class TenantChanges {

    public static final String CHANNEL = RedisChannels.TENANT_CHANGES;
    private static final Logger LOG = Logger.getLogger(TenantChanges.class);

    @Inject
    RedisDataSource redis;

    public void announce(String orgId) {
        try {
            redis.key().del(RedisChannels.tenantLookupKey(orgId));
            redis.pubsub(String.class).publish(CHANNEL, orgId);
        } catch (RuntimeException e) {
            LOG.warnf("could not announce the change of tenant %s: %s", orgId, e.getMessage());
        }
    }
}
