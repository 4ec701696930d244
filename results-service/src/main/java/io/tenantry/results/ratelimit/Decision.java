package io.tenantry.results.ratelimit;

import java.util.Map;

/**
 * Whether a request may go ahead, and what the IETF RateLimit headers tell the client: the bucket's size, the
 * requests left in it, and the seconds until it is full again. A request let in holds a place among the
 * organization's concurrent requests until {@link RateLimits#release} gives it back. {@code shared} is the
 * replica's share of the limits kept with every replica through Redis it was decided from; null when this replica
 * decided alone ({@link LocalLimiter}).
 */
record Decision(boolean allowed, Limits limits, long remaining, long resetSeconds, long retryAfterSeconds,
                String orgId, Allowance shared) {

    boolean local() {
        return shared == null;
    }

    Map<String, String> headers() {
        return Map.of("RateLimit-Limit", Integer.toString(limits.burst()),
                "RateLimit-Remaining", Long.toString(Math.max(0, remaining)),
                "RateLimit-Reset", Long.toString(Math.max(0, resetSeconds)),
                "RateLimit-Policy", limits.burst() + ";w=" + Math.max(1, limits.burst() / limits.requestsPerSecond()));
    }
}
