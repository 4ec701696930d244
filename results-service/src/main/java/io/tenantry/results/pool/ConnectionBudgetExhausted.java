package io.tenantry.results.pool;

import java.util.Map;

import io.tenantry.common.problem.ApiProblem;

/** Every connection of the global budget is busy and none came free in time: try again shortly. */
public class ConnectionBudgetExhausted extends ApiProblem {

    public ConnectionBudgetExhausted(long retryAfterSeconds) {
        super(503, "Service Unavailable", "every database connection is busy; retry shortly",
                Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
    }
}
