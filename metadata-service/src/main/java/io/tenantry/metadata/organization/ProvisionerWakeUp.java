package io.tenantry.metadata.organization;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.RedisDataSource;
import io.tenantry.common.RedisChannels;

/**
 * Tells the provisioner on Redis that an organization's desired state changed, once the change is committed.
 * Best effort: when Redis is away the provisioner's periodic pass still finds the work.
 */
@ApplicationScoped
public class ProvisionerWakeUp {

    private static final Logger LOG = Logger.getLogger(ProvisionerWakeUp.class);

    @Inject
    RedisDataSource redis;

    public record DesiredStateChanged(String orgId) {
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) DesiredStateChanged change) {
        try {
            redis.pubsub(String.class).publish(RedisChannels.PROVISIONER_WAKE_UP, change.orgId());
        } catch (RuntimeException e) {
            LOG.warnf("could not wake the provisioner for %s: %s", change.orgId(), e.getMessage());
        }
    }
}
