package io.tenantry.metadata.security;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.RedisDataSource;
import io.tenantry.common.RedisChannels;
import io.tenantry.common.revocation.NotValidBefore;
import io.tenantry.common.revocation.TokenRevocations;

/**
 * Takes back every token issued so far to a person, an API client or an organization: recorded in
 * {@code token_revocations} within the transaction of the change, then, once it commits, applied on this replica
 * and announced on Redis to every other replica of every service (which also find it by polling the table).
 */
@ApplicationScoped
public class TokenRevocation {

    private static final Logger LOG = Logger.getLogger(TokenRevocation.class);

    @Inject
    EntityManager em;

    @Inject
    Event<Revoked> revoked;

    @Inject
    TokenRevocations revocations;

    @Inject
    RedisDataSource redis;

    record Revoked(NotValidBefore notValidBefore) {
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void revokeUser(UUID userId) {
        revoke(NotValidBefore.Scope.SUBJECT, Caller.USER_PREFIX + userId);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void revokeClient(UUID clientId) {
        revoke(NotValidBefore.Scope.SUBJECT, Caller.CLIENT_PREFIX + clientId);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void revokeOrganization(String orgId) {
        revoke(NotValidBefore.Scope.ORGANIZATION, orgId);
    }

    /**
     * The earliest {@code iat} a new token of this subject and organization may carry so that it is not refused: now,
     * or the second after the latest revocation when that is still ahead (it is at most one second ahead).
     */
    public long earliestIssueTime(String subject, String orgId) {
        Object latest = em.createNativeQuery("""
                SELECT extract(epoch FROM max(not_valid_before))::bigint FROM token_revocations
                 WHERE (scope = 'subject' AND key = ?1) OR (scope = 'organization' AND key = ?2)""")
                .setParameter(1, subject).setParameter(2, orgId == null ? "" : orgId).getSingleResult();
        long now = Instant.now().getEpochSecond();
        return latest == null ? now : Math.max(now, ((Number) latest).longValue());
    }

    private void revoke(NotValidBefore.Scope scope, String key) {
        NotValidBefore notValidBefore = new NotValidBefore(scope, key, NotValidBefore.after(Instant.now()));
        em.createNativeQuery("""
                INSERT INTO token_revocations (scope, key, not_valid_before) VALUES (?1, ?2, ?3)
                ON CONFLICT (scope, key) DO UPDATE
                   SET not_valid_before = greatest(token_revocations.not_valid_before, excluded.not_valid_before),
                       changed_at = now()""")
                .setParameter(1, scope.wire()).setParameter(2, key)
                .setParameter(3, OffsetDateTime.ofInstant(Instant.ofEpochSecond(notValidBefore.epochSecond()),
                        ZoneOffset.UTC))
                .executeUpdate();
        revoked.fire(new Revoked(notValidBefore));
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) Revoked change) {
        revocations.apply(change.notValidBefore());
        try {
            redis.pubsub(String.class).publish(RedisChannels.TOKEN_REVOCATIONS, change.notValidBefore().message());
        } catch (RuntimeException e) {
            LOG.warnf("could not announce a token revocation; other replicas find it by polling: %s", e.getMessage());
        }
    }
}
