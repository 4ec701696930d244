package io.tenantry.results.tenant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.tenantry.common.OrgId;
import io.tenantry.common.RedisChannels;
import io.tenantry.results.pool.TenantPools;

/**
 * Acts on the provisioner's announcements: a tenant that changed (suspended, deleted, moved, migrated) is looked
 * up afresh and its pool closed at once. When Redis drops the subscription it is made again; until then the
 * cache TTL bounds how long a change goes unseen.
 */
@ApplicationScoped
public class TenantChangesListener {

    private static final Logger LOG = Logger.getLogger(TenantChangesListener.class);

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    TenantDirectory directory;

    @Inject
    TenantPools pools;

    private volatile boolean subscribed;

    void start(@Observes StartupEvent event) {
        subscribe();
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void resubscribeWhenLost() {
        if (!subscribed) {
            subscribe();
        }
    }

    public boolean isSubscribed() {
        return subscribed;
    }

    private void subscribe() {
        redis.pubsub(String.class)
                .subscribe(RedisChannels.TENANT_CHANGES, this::changed, this::lost, failure -> lost())
                .subscribe().with(subscriber -> subscribed = true, failure -> {
                    LOG.debugf("not subscribed to tenant changes yet: %s", failure.getMessage());
                    subscribed = false;
                });
    }

    private void lost() {
        subscribed = false;
    }

    void changed(String orgId) {
        if (!OrgId.isValid(orgId)) {
            return;
        }
        Uni<Void> forgetting = directory.forget(orgId);
        pools.closeTenant(orgId);
        forgetting.subscribe().with(done -> { }, failure -> { });
    }
}
