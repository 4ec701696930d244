package io.tenantry.results.ratelimit;

import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.store.TenantRoute;

/** One organization's limits: its own from metadata where it has them, else the configured defaults. */
record Limits(int requestsPerSecond, int burst, int concurrentRequests) {

    static Limits of(TenantRoute route, ResultsConfig.RateLimits defaults) {
        int rate = route.maxRequestsPerSecond() != null ? route.maxRequestsPerSecond() : defaults.requestsPerSecond();
        int concurrent = route.maxConcurrentRequests() != null ? route.maxConcurrentRequests()
                : defaults.concurrentRequests();
        return new Limits(rate, Math.max(1, rate * defaults.burstSeconds()), concurrent);
    }
}
