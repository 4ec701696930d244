package io.tenantry.provisioner.reconcile;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.tenantry.common.OrgId;
import io.tenantry.common.RedisChannels;

/**
 * Reconciles an organization as soon as metadata-service announces a change to its desired state. The periodic
 * pass stays the safety net for announcements missed while Redis or this replica was away.
 */
@ApplicationScoped
public class WakeUpListener {

    private static final Logger LOG = Logger.getLogger(WakeUpListener.class);

    @Inject
    RedisDataSource redis;

    @Inject
    ReconcileQueue queue;

    void subscribe(@Observes StartupEvent event) {
        try {
            redis.pubsub(String.class).subscribe(RedisChannels.PROVISIONER_WAKE_UP, this::wake);
        } catch (RuntimeException e) {
            LOG.warnf("not listening for wake-ups (Redis: %s); the periodic pass will find the work", e.getMessage());
        }
    }

    private void wake(String orgId) {
        if (!OrgId.isValid(orgId)) {
            return;
        }
        queue.add(orgId);
    }
}
