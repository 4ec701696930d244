package io.tenantry.results.ratelimit;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.store.TenantRoute;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Response;

/**
 * Each organization's request rate and concurrent requests, shared by every replica through Redis: each replica
 * decides from its {@link Allowance}, synced with Redis when it runs short and renewed while it holds places. When
 * Redis does not answer in time, this replica decides alone ({@link LocalLimiter}) and says so in
 * {@code tenantry_rate_limit_local_fallback}; it never lets requests through unlimited.
 */
@ApplicationScoped
public class RateLimits {

    private static final Logger LOG = Logger.getLogger(RateLimits.class);
    /** After Redis failed, how long the local limiter decides before Redis is asked again. */
    private static final long REDIS_RETRY_MS = 1_000;
    /**
     * A request short of tokens or places syncs until a sync finds the organization at its limits, and at most this
     * often: requests arriving meanwhile may take what a sync brought before the request waiting on it does.
     */
    private static final int SYNCS_PER_REQUEST = 8;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    ResultsConfig config;

    @Inject
    MeterRegistry metrics;

    @Inject
    Vertx vertx;

    private final String replica = UUID.randomUUID().toString();
    private final Map<String, Allowance> allowances = new ConcurrentHashMap<>();
    private final LocalLimiter local = new LocalLimiter();
    private final AtomicInteger localFallback = new AtomicInteger();
    private volatile long askRedisAfter;
    private long renewals;
    private Counter syncs;
    private Counter allowedShared;
    private Counter refusedShared;
    private Counter allowedLocal;
    private Counter refusedLocal;

    @PostConstruct
    void meters() {
        metrics.gauge("tenantry_rate_limit_local_fallback", localFallback);
        syncs = metrics.counter("tenantry_rate_limit_syncs_total");
        allowedShared = decisions("allowed", "redis");
        refusedShared = decisions("refused", "redis");
        allowedLocal = decisions("allowed", "local");
        refusedLocal = decisions("refused", "local");
    }

    void start(@Observes StartupEvent event) {
        renewals = vertx.setPeriodic(Allowance.RENEW_AFTER_MS / 4, id -> renew());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(renewals);
    }

    Limits limits(TenantRoute route) {
        return Limits.of(route, config.rateLimits());
    }

    /** Takes a request's place within the organization's limits, or says when to come back. */
    Uni<Decision> acquire(String orgId, Limits limits) {
        if (System.currentTimeMillis() < askRedisAfter) {
            return Uni.createFrom().item(() -> counted(local.acquire(orgId, limits)));
        }
        return decide(orgId, limits, 0).onFailure().recoverWithItem(failure -> {
            if (localFallback.getAndSet(1) == 0) {
                LOG.warnf("rate limits decided per replica while Redis does not answer: %s", failure.toString());
            }
            askRedisAfter = System.currentTimeMillis() + REDIS_RETRY_MS;
            return counted(local.acquire(orgId, limits));
        });
    }

    /** Gives the request's place among the organization's concurrent requests back to this replica's share. */
    void release(Decision decision) {
        if (decision.local()) {
            local.release(decision.orgId());
        } else {
            decision.shared().release();
        }
    }

    private Uni<Decision> decide(String orgId, Limits limits, int synced) {
        Allowance allowance = allowances.computeIfAbsent(orgId, Allowance::new);
        Decision taken = allowance.take(limits, now());
        if (taken != null) {
            return Uni.createFrom().item(counted(taken));
        }
        if (allowance.retired()) {
            allowances.remove(orgId, allowance);
            return decide(orgId, limits, synced);
        }
        if (synced > 0 && allowance.overLimits() || synced == SYNCS_PER_REQUEST) {
            return Uni.createFrom().item(counted(allowance.refusal(limits)));
        }
        return allowance.sync(this::sync, true).chain(() -> decide(orgId, limits, synced + 1));
    }

    private Uni<Void> sync(Allowance allowance) {
        return Uni.createFrom().deferred(() -> {
            Allowance.Ask ask = allowance.ask(now());
            Limits limits = ask.limits();
            syncs.increment();
            return RateLimitScripts.SYNC.run(redis, keys(allowance.orgId), List.of(
                            Integer.toString(limits.requestsPerSecond()), Integer.toString(limits.burst()),
                            Integer.toString(limits.concurrentRequests()), replica, Integer.toString(ask.tokens()),
                            Integer.toString(ask.returned()), Integer.toString(ask.places()),
                            Long.toString(Allowance.LEASE_MS)))
                    .ifNoItem().after(config.rateLimits().redisTimeout()).fail()
                    .invoke(reply -> synced(allowance, ask, reply))
                    .replaceWithVoid();
        });
    }

    private void synced(Allowance allowance, Allowance.Ask ask, Response reply) {
        // Redis answers again (a renewal may be the first to find it so): requests are decided from it at once.
        askRedisAfter = 0;
        localFallback.set(0);
        allowance.synced(ask, reply.get(0).toLong(), reply.get(1).toLong(), reply.get(2).toLong(), reply.get(3).toLong(),
                reply.get(4).toInteger(), now());
    }

    /** Renews the places this replica holds, gives back what it no longer uses, and forgets what it holds nothing of. */
    private void renew() {
        long now = now();
        allowances.forEach((orgId, allowance) -> {
            if (allowance.due(now)) {
                allowance.sync(this::sync, false).subscribe().with(done -> { },
                        failure -> LOG.debugf("rate limit places of %s not renewed, they expire: %s", orgId,
                                failure.toString()));
            } else if (allowance.retireIfUnused(now)) {
                allowances.remove(orgId, allowance);
            }
        });
    }

    private Decision counted(Decision decision) {
        (decision.local() ? decision.allowed() ? allowedLocal : refusedLocal
                : decision.allowed() ? allowedShared : refusedShared).increment();
        return decision;
    }

    private Counter decisions(String outcome, String limiter) {
        return metrics.counter("tenantry_rate_limit_requests_total", "outcome", outcome, "limiter", limiter);
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    private static List<String> keys(String orgId) {
        return List.of("tenantry:rate:{" + orgId + "}:bucket", "tenantry:rate:{" + orgId + "}:places");
    }
}
