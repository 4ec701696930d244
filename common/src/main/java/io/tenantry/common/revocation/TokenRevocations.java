package io.tenantry.common.revocation;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tenantry.common.RedisChannels;
import io.vertx.mutiny.core.Vertx;

/**
 * This replica's copy of every not-valid-before time (table {@code token_revocations}). It learns of a new one at
 * once from Redis, reads every row at start and whenever its Redis subscription is made again, and reads the rows
 * changed lately every poll interval, so a revocation reaches it within that interval even while Redis is away.
 */
@Singleton
public class TokenRevocations {

    private static final Logger LOG = Logger.getLogger(TokenRevocations.class);
    private static final Duration START_PATIENCE = Duration.ofSeconds(10);

    @Inject
    RevocationSource source;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    Vertx vertx;

    @Inject
    RevocationConfig config;

    private final ConcurrentHashMap<String, Long> subjects = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> organizations = new ConcurrentHashMap<>();
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile OffsetDateTime newestSeen;
    private volatile boolean subscribed;
    private long timer = -1;

    void start(@Observes StartupEvent event) {
        subscribe();
        try {
            poll(source.changedSince(null).await().atMost(START_PATIENCE));
        } catch (RuntimeException e) {
            LOG.warnf("token revocations not read at start, retrying every %s: %s", config.pollInterval(),
                    e.getMessage());
        }
        timer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Whether a token of this subject and organization, issued at {@code issuedAt} (epoch seconds), is revoked. */
    public boolean refuses(String subject, String orgId, long issuedAt) {
        return issuedAt < notValidBefore(subjects, subject) || issuedAt < notValidBefore(organizations, orgId);
    }

    /** Takes a time back on this replica; the newest of two times for the same key wins. */
    public void apply(NotValidBefore revoked) {
        var times = revoked.scope() == NotValidBefore.Scope.SUBJECT ? subjects : organizations;
        times.merge(revoked.key(), revoked.epochSecond(), Math::max);
    }

    public boolean isSubscribed() {
        return subscribed;
    }

    private static long notValidBefore(ConcurrentHashMap<String, Long> times, String key) {
        return key == null ? Long.MIN_VALUE : times.getOrDefault(key, Long.MIN_VALUE);
    }

    private void refresh() {
        if (!subscribed) {
            subscribe();
        }
        if (!polling.compareAndSet(false, true)) {
            return;
        }
        OffsetDateTime seen = newestSeen;
        source.changedSince(seen == null ? null : seen.minus(config.pollOverlap()))
                .eventually(() -> polling.set(false))
                .subscribe().with(this::poll,
                        failure -> LOG.debugf("token revocations not read: %s", failure.getMessage()));
    }

    private void poll(List<RevocationSource.Changed> rows) {
        for (RevocationSource.Changed row : rows) {
            apply(row.notValidBefore());
            if (newestSeen == null || row.changedAt().isAfter(newestSeen)) {
                newestSeen = row.changedAt();
            }
        }
    }

    private void subscribe() {
        redis.pubsub(String.class)
                .subscribe(RedisChannels.TOKEN_REVOCATIONS, this::announced, this::lost, failure -> lost())
                .subscribe().with(subscriber -> {
                    subscribed = true;
                    // Whatever was announced while unsubscribed is read again in full by the next poll.
                    newestSeen = null;
                }, failure -> {
                    LOG.debugf("not subscribed to token revocations yet: %s", failure.getMessage());
                    subscribed = false;
                });
    }

    private void lost() {
        subscribed = false;
    }

    private void announced(String message) {
        NotValidBefore.parse(message).ifPresent(this::apply);
    }
}
