package io.tenantry.results.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The same token bucket and concurrency count as the Redis script, kept in this replica alone: what decides while
 * Redis cannot. Each replica then allows an organization its whole limit, so N replicas allow up to N times it;
 * more than the limit, never unlimited.
 */
final class LocalLimiter {

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    Decision acquire(String orgId, Limits limits) {
        return buckets.computeIfAbsent(orgId, id -> new Bucket()).acquire(orgId, limits);
    }

    void release(String orgId) {
        Bucket bucket = buckets.get(orgId);
        if (bucket != null) {
            bucket.release();
        }
    }

    private static final class Bucket {
        private double tokens = -1;
        private long at;
        private int inFlight;

        synchronized Decision acquire(String orgId, Limits limits) {
            long now = System.nanoTime() / 1_000_000;
            tokens = tokens < 0 ? limits.burst()
                    : Math.min(limits.burst(), tokens + Math.max(0, now - at) * limits.requestsPerSecond() / 1000.0);
            at = now;
            long retryAfterMs = 0;
            boolean allowed = false;
            if (tokens < 1) {
                retryAfterMs = (long) Math.ceil((1 - tokens) * 1000 / limits.requestsPerSecond());
            } else if (inFlight >= limits.concurrentRequests()) {
                retryAfterMs = 1000;
            } else {
                tokens -= 1;
                inFlight++;
                allowed = true;
            }
            long resetMs = (long) Math.ceil((limits.burst() - tokens) * 1000 / limits.requestsPerSecond());
            return new Decision(allowed, limits, (long) Math.floor(tokens), ceilSeconds(resetMs),
                    ceilSeconds(retryAfterMs), orgId, null);
        }

        synchronized void release() {
            inFlight = Math.max(0, inFlight - 1);
        }
    }

    static long ceilSeconds(long millis) {
        return (millis + 999) / 1000;
    }
}
