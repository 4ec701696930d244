package io.tenantry.results.ratelimit;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.store.TenantRoute;

/**
 * Each organization's request rate and concurrent requests, shared by every replica through Redis. When Redis
 * does not answer in time, this replica decides alone ({@link LocalLimiter}) and says so in
 * {@code tenantry_rate_limit_local_fallback}; it never lets requests through unlimited.
 */
@ApplicationScoped
public class RateLimits {

    private static final Logger LOG = Logger.getLogger(RateLimits.class);
    /** A request in progress longer than this is forgotten, so places held by a replica that died come back. */
    private static final long IN_FLIGHT_EXPIRY_MS = 120_000;
    /** After Redis failed, how long the local limiter decides before Redis is asked again. */
    private static final long REDIS_RETRY_MS = 1_000;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    ResultsConfig config;

    @Inject
    MeterRegistry metrics;

    private final LocalLimiter local = new LocalLimiter();
    private final AtomicInteger localFallback = new AtomicInteger();
    private volatile long askRedisAfter;

    @PostConstruct
    void gauges() {
        metrics.gauge("tenantry_rate_limit_local_fallback", localFallback);
    }

    Limits limits(TenantRoute route) {
        return Limits.of(route, config.rateLimits());
    }

    /** Takes a request's place within the organization's limits, or says when to come back. */
    Uni<Decision> acquire(String orgId, Limits limits) {
        String requestId = UUID.randomUUID().toString();
        if (System.currentTimeMillis() < askRedisAfter) {
            return Uni.createFrom().item(() -> counted(local.acquire(orgId, requestId, limits)));
        }
        return RateLimitScripts.ACQUIRE.run(redis, keys(orgId), List.of(Integer.toString(limits.requestsPerSecond()),
                        Integer.toString(limits.burst()), Integer.toString(limits.concurrentRequests()), requestId,
                        Long.toString(IN_FLIGHT_EXPIRY_MS)))
                .ifNoItem().after(config.rateLimits().redisTimeout()).fail()
                .map(reply -> {
                    localFallback.set(0);
                    return counted(new Decision(reply.get(0).toInteger() == 1, limits, reply.get(1).toLong(),
                            LocalLimiter.ceilSeconds(reply.get(3).toLong()),
                            LocalLimiter.ceilSeconds(reply.get(2).toLong()), orgId, requestId, false));
                })
                .onFailure().recoverWithItem(failure -> {
                    if (localFallback.getAndSet(1) == 0) {
                        LOG.warnf("rate limits decided per replica while Redis does not answer: %s", failure.toString());
                    }
                    askRedisAfter = System.currentTimeMillis() + REDIS_RETRY_MS;
                    return counted(local.acquire(orgId, requestId, limits));
                });
    }

    /**
     * Gives the request's place among the organization's concurrent requests back; never fails; a place Redis
     * did not take back in time expires.
     */
    Uni<Void> release(Decision decision) {
        if (decision.local()) {
            local.release(decision.orgId());
            return Uni.createFrom().voidItem();
        }
        return redis.execute("ZREM", keys(decision.orgId()).get(1), decision.requestId())
                .ifNoItem().after(config.rateLimits().redisTimeout()).fail()
                .onFailure().invoke(failure -> LOG.debugf("in-flight place not returned, it expires: %s",
                        failure.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Decision counted(Decision decision) {
        metrics.counter("tenantry_rate_limit_requests_total", "outcome", decision.allowed() ? "allowed" : "refused",
                "limiter", decision.local() ? "local" : "redis").increment();
        return decision;
    }

    private static List<String> keys(String orgId) {
        return List.of("tenantry:rate:{" + orgId + "}:bucket", "tenantry:rate:{" + orgId + "}:in-flight");
    }
}
